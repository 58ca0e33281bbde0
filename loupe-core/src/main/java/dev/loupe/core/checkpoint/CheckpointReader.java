package dev.loupe.core.checkpoint;

import java.nio.file.Path;

/** Opens one format. Implementations validate everything they index and throw LoupeException. */
public interface CheckpointReader {
    CheckpointFormat format();

    /**
     * Whether this reader takes {@code file}, judged by its name and its first bytes
     * ({@code head} may be shorter than any magic number when the file is tiny).
     */
    boolean accepts(Path file, byte[] head);

    Checkpoint open(Path file);
}
