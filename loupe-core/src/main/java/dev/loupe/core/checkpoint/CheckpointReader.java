package dev.loupe.core.checkpoint;

import java.nio.file.Path;
import java.util.Locale;

/** Opens one format. Implementations validate everything they index and throw LoupeException. */
public interface CheckpointReader {
    CheckpointFormat format();

    /**
     * Whether this reader takes {@code file}, judged by its name and its first bytes
     * ({@code head} may be shorter than any magic number when the file is tiny).
     */
    boolean accepts(Path file, byte[] head);

    Checkpoint open(Path file);

    /** Whether the file name ends with one of {@code extensions} (given in lower case), ignoring case. */
    static boolean hasExtension(Path file, String... extensions) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : extensions) {
            if (name.endsWith(e)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code head} starts with the bytes of {@code magic} (false when it is shorter). */
    static boolean startsWith(byte[] head, byte... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
