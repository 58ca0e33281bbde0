package dev.loupe.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a copy of every hostile file the reader tests rejected, when the system property
 * {@code loupe.malformed.corpus} names a directory (set by loupe-core's surefire configuration), so
 * that loupe-cli can replay the whole corpus through the real command line.
 */
final class Corpus {
    static final String PROPERTY = "loupe.malformed.corpus";
    private static final AtomicInteger COUNT = new AtomicInteger();
    /** Files above this size (sparse multi-GB cases) are not copied. */
    private static final long MAX_BYTES = 8L << 20;

    private Corpus() {
    }

    static void record(Path file) {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return;
        }
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return;
            }
            Path out = Path.of(dir);
            Files.createDirectories(out);
            String name = String.format("%05d-%s", COUNT.incrementAndGet(), file.getFileName());
            Files.copy(file, out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
