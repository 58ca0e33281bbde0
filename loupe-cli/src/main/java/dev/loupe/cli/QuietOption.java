package dev.loupe.cli;

import dev.loupe.core.progress.Progress;
import picocli.CommandLine.Option;

/**
 * {@code --quiet}, the one rule for progress, mixed into every command that shows a bar: a bar is drawn on stderr when
 * stderr is a terminal (whatever stdout is redirected to), unless {@code --quiet} is given or stdout carries data
 * ({@code --json}, {@code --csv}) that someone is likely to pipe on. Notes and warnings on stderr are not progress and
 * stay.
 */
public final class QuietOption {
    @Option(names = "--quiet", description = "No progress bar on stderr (there is none either when stderr is not a terminal, "
            + "or with --json/--csv).")
    boolean quiet;

    /** The bar for this run; {@code machineOutput}: stdout carries JSON or CSV. */
    public Progress progress(boolean machineOutput) {
        return TerminalProgress.forTerminal(quiet || machineOutput);
    }

    /** As {@link #progress(boolean)}, with the rate in {@code rateUnit} per second (e.g. "tokens"). */
    public Progress progress(boolean machineOutput, String rateUnit) {
        return TerminalProgress.forTerminal(quiet || machineOutput, rateUnit);
    }
}
