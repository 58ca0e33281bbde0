package dev.loupe.cli;

import dev.loupe.core.io.AtomicOutput;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Checks a command's output paths before it does any work: a directory where a file goes, an input as the
 * output, or a file where a directory goes fails at once, naming the path, and nothing is half-written.
 * Null paths are options the user did not give.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /** {@code out} will be written as a file; it must not be any of {@code inputs}. */
    public static void file(Path out, Path... inputs) {
        if (out != null) {
            AtomicOutput.checkFile(out, Arrays.asList(inputs));
        }
    }

    /** {@code dir} will receive output files (and is created when missing). */
    public static void dir(Path dir) {
        if (dir != null) {
            AtomicOutput.checkDirectory(dir);
        }
    }
}
