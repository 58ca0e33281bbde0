package dev.loupe.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A temporary directory for a benchmark's synthetic inputs, deleted (best effort) on close. */
public final class ScratchDir implements AutoCloseable {
    private final Path dir;

    private ScratchDir(Path dir) {
        this.dir = dir;
    }

    static ScratchDir create(String prefix) throws IOException {
        return new ScratchDir(Files.createTempDirectory(prefix));
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover temp dir must not turn a finished benchmark into a failure
        }
    }
}
