package dev.loupe.core;

import java.nio.file.Path;

/**
 * A problem the user can cause and fix: bad input, a missing file, an option that makes no sense.
 * The message is one line naming the file (when there is one) and the problem; the CLI prints it
 * without a stack trace and exits 2. Anything else that escapes is a bug.
 */
public class LoupeException extends RuntimeException {
    private final transient Path file;

    public LoupeException(String problem) {
        super(oneLine(problem));
        this.file = null;
    }

    public LoupeException(Path file, String problem) {
        super(file + ": " + oneLine(problem));
        this.file = file;
    }

    public LoupeException(Path file, String problem, Throwable cause) {
        super(file + ": " + oneLine(problem), cause);
        this.file = file;
    }

    /** The file the problem is about, or null. */
    public Path file() {
        return file;
    }

    private static String oneLine(String s) {
        return s == null ? "unknown problem" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
