package dev.loupe.core.testing;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.tensor.Tensor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one assertion for hostile input: opening the file (and, if that succeeds, decoding every tensor)
 * must throw exactly a {@link LoupeException} whose one-line message names the file and contains an
 * expected fragment; any other exception, or a hang past 20 seconds, fails the test.
 */
public final class MalformedInput {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private MalformedInput() {
    }

    /** Opens {@code file} with {@link Checkpoints#open} and expects a clear rejection. */
    public static LoupeException assertRejected(Path file, String expectedFragment) {
        return assertRejected(file, expectedFragment, MalformedInput::openAndDecode);
    }

    /** As above, with a custom way to open the file (for a reader used directly). */
    public static LoupeException assertRejected(Path file, String expectedFragment, Consumer<Path> open) {
        Throwable thrown = assertTimeoutPreemptively(LIMIT, () -> {
            try {
                open.accept(file);
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, file + " took too long to reject");
        if (thrown == null) {
            fail(file.getFileName() + " was accepted; expected an error containing '" + expectedFragment + "'");
        }
        if (!(thrown instanceof LoupeException le)) {
            throw new AssertionError(file.getFileName() + " gave " + thrown.getClass().getName()
                    + " instead of LoupeException", thrown);
        }
        Corpus.record(file);
        String msg = le.getMessage();
        assertTrue(msg.contains(file.getFileName().toString()), () -> "message does not name the file: " + msg);
        assertTrue(msg.contains(expectedFragment), () -> "message lacks '" + expectedFragment + "': " + msg);
        assertTrue(msg.lines().count() == 1, () -> "message is not one line: " + msg);
        return le;
    }

    private static void openAndDecode(Path file) {
        try (Checkpoint c = Checkpoints.open(file)) {
            for (Tensor t : c.tensors()) {
                if (t.numel() <= 1 << 24) {
                    t.toDoubles();
                }
            }
        }
    }
}
