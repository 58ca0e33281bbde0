package dev.loupe.cli;

import dev.loupe.core.LoupeException;
import picocli.CommandLine.Option;

/**
 * {@code --threads N}, mixed into every command that runs work in parallel (picocli's mixin idiom,
 * as in its LoggingMixin example); what runs in parallel is said in each command's description.
 */
public final class ThreadsOption {
    /** Upper bound on a user's thread count: more is a typo, not a machine. */
    public static final int MAX = 1024;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads working in parallel, 1.." + MAX + " (default: the available processors).")
    Integer threads;

    /** The count to use: the option, or the available processors; a nonsense value is the user's error. */
    public int resolve() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1 || t > MAX) {
            throw new LoupeException("--threads must be between 1 and " + MAX + ", not " + t);
        }
        return t;
    }
}
