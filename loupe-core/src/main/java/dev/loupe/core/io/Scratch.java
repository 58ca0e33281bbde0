package dev.loupe.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removing a run's own temporary files and folders once they have served. Best effort: a leftover temporary file
 * costs disk only, and failing a finished run (or hiding the error that ended it) for one would be worse.
 */
public final class Scratch {
    private Scratch() {
    }

    /** Deletes {@code file} if it exists; null is nothing to delete. */
    public static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort, see the class comment
        }
    }

    /** Deletes the files directly in {@code dir}, then {@code dir} (a flat scratch folder); null is nothing to delete. */
    public static void deleteFolderQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // best effort, see the class comment
        }
    }
}
