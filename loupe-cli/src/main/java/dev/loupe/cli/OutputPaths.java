package dev.loupe.cli;

import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.io.AtomicOutput;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Checks a command's output paths before it does any work: a directory where a file goes, an input as the
 * output, or a file where a directory goes fails at once, naming the path, and nothing is half-written.
 * Null paths are options the user did not give.
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * {@code out} will be written as a file; it must not be any of {@code inputs}, nor any file they resolve to
     * (a directory's checkpoint, an index's shards, an ONNX model's external data: {@link Checkpoints#files}).
     */
    public static void file(Path out, Path... inputs) {
        if (out != null) {
            AtomicOutput.checkFile(out, Arrays.stream(inputs).filter(Objects::nonNull)
                    .flatMap(p -> Checkpoints.files(p).stream()).toList());
        }
    }

    /** {@code dir} will receive output files (and is created when missing). */
    public static void dir(Path dir) {
        if (dir != null) {
            AtomicOutput.checkDirectory(dir);
        }
    }

    /** Whether {@code a} and {@code b} both exist and are one file (a directory is never a model file here). */
    public static boolean sameFile(Path a, Path b) {
        try {
            return Files.isRegularFile(a) && Files.isRegularFile(b) && Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
