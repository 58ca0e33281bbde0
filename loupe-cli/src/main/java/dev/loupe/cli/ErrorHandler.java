package dev.loupe.cli;

import dev.loupe.core.LoupeException;
import picocli.CommandLine;

/**
 * Decides exit codes in one place: a LoupeException or a usage error (unknown option, a value picocli cannot
 * convert) is the user's to fix (one line, exit 2); anything else is a bug (exit 1, with the trace;
 * {@code --debug} or LOUPE_DEBUG=1 always shows traces).
 */
public final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int USER_ERROR = 2;
    static final int BUG = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean debug = "1".equals(System.getenv("LOUPE_DEBUG")) || parsed.originalArgs().contains("--debug");
        Throwable user = userCause(ex);
        if (user != null) {
            cl.getErr().println("loupe: " + user.getMessage());
            if (debug) {
                ex.printStackTrace(cl.getErr());
            }
            return USER_ERROR;
        }
        if (ex.getCause() instanceof OutOfMemoryError) {
            return outOfMemory(cl);
        }
        cl.getErr().println("loupe: internal error (please report): " + ex);
        ex.printStackTrace(cl.getErr());
        return BUG;
    }

    /**
     * Runs the command as picocli's RunLast does, also catching an OutOfMemoryError, which picocli lets through as an
     * Error (a stack trace and exit 1 from the JVM). It is what a too-large input causes, so it is the user's to fix:
     * one line, exit 2. The failed allocation is gone by the time this runs, so printing has memory again.
     */
    int runLast(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (OutOfMemoryError e) {
            return outOfMemory(parsed.commandSpec().commandLine());
        }
    }

    private static int outOfMemory(CommandLine cl) {
        cl.getErr().println("loupe: out of memory (an input too large for the Java heap of "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB); raise it with LOUPE_HEAP=16g (or JAVA_OPTS=-Xmx16g)");
        return USER_ERROR;
    }

    /** One line, not picocli's message followed by the whole usage text, so that scripts see a single error line. */
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        String message = ex.getMessage() == null ? "invalid arguments" : ex.getMessage().replaceAll("\\s*[\\r\\n]+\\s*", " ");
        cl.getErr().println("loupe: " + message + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return USER_ERROR;
    }

    static int exitCode(Throwable t) {
        return t instanceof CommandLine.ParameterException || userCause(t) != null ? USER_ERROR : BUG;
    }

    private static Throwable userCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LoupeException) {
                return c;
            }
        }
        return null;
    }
}
