package dev.loupe.zoo.job;

import dev.loupe.core.LoupeException;

import java.nio.file.Path;

/**
 * A task's checkpoint is not on this machine as the driver found it. Thrown out of the task (never
 * recorded as the checkpoint's error), so Spark retries it elsewhere; if no executor can read it the job
 * fails with this one line and the catalog is left as it was.
 */
public final class FileNotVisibleException extends LoupeException {
    public FileNotVisibleException(Path file, String problem) {
        super(file, problem);
    }
}
