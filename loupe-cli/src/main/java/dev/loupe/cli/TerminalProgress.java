package dev.loupe.cli;

import dev.loupe.core.progress.Progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress bar with ETA on stderr, redrawn at most 4 times a second. Hand-written (40
 * lines) rather than me.tongfei:progressbar, which would bring JLine for what a carriage return does.
 * Use {@link #forTerminal} so it stays silent when stderr is not a terminal, or {@link #forLongRun} for
 * work of many minutes, whose log (stderr redirected to a file) should still show how far it got.
 */
public final class TerminalProgress implements Progress {
    private final PrintStream err;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile String task = "";
    private volatile long startNanos;
    private volatile long lastDraw;
    private final String rateUnit;
    /** Seconds between full lines when stderr is not a terminal; 0 = a redrawn bar. */
    private final double lineEvery;
    /** Calls of {@link #advance}: the items done (layers, when each advance is one layer). */
    private final AtomicLong steps = new AtomicLong();
    private volatile long lastDrawnSteps = -1;
    private final String stepUnit;
    private final long totalSteps;

    private TerminalProgress(PrintStream err, String rateUnit) {
        this(err, rateUnit, 0, null, 0);
    }

    TerminalProgress(PrintStream err, String rateUnit, double lineEvery, String stepUnit, long totalSteps) {
        this.err = err;
        this.rateUnit = rateUnit;
        this.lineEvery = lineEvery;
        this.stepUnit = stepUnit;
        this.totalSteps = totalSteps;
    }

    /**
     * For runs of many minutes: the bar on a terminal; otherwise one line every {@code everySeconds} (and at
     * the end) with the advances counted as {@code stepUnit} of {@code totalSteps} (e.g. layers; each advance
     * one of them), the percentage of the work, the elapsed time and the ETA. Silent when {@code quiet}.
     */
    public static Progress forLongRun(boolean quiet, String stepUnit, long totalSteps, double everySeconds) {
        return quiet ? Progress.NONE : new TerminalProgress(System.err, null, stderrIsTerminal() ? 0 : everySeconds,
                stepUnit, totalSteps);
    }

    /** A bar when stderr is a terminal and not {@code quiet}; otherwise {@link Progress#NONE}. */
    public static Progress forTerminal(boolean quiet) {
        return forTerminal(quiet, null);
    }

    /** As {@link #forTerminal(boolean)}, also showing the rate in {@code rateUnit} per second (e.g. "tokens"). */
    public static Progress forTerminal(boolean quiet, String rateUnit) {
        return quiet || !stderrIsTerminal() ? Progress.NONE : new TerminalProgress(System.err, rateUnit);
    }

    /**
     * Whether stderr is a terminal, so that {@code loupe ... > out.txt} keeps its bar. {@link System#console()}
     * answers for stdin and stdout; on Linux /proc/self/fd/2 names the device stderr writes to.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null; // not Linux: the best the JDK offers
        }
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = Math.max(1, total);
        done.set(0);
        steps.set(0);
        startNanos = System.nanoTime();
        draw(true);
    }

    @Override
    public void advance(long units) {
        done.addAndGet(units);
        steps.incrementAndGet();
        draw(false);
    }

    @Override
    public void advanceWithin(long units) {
        done.addAndGet(units);
        draw(false);
    }

    @Override
    public void done() {
        if (lineEvery == 0 || lastDrawnSteps != steps.get()) {
            draw(true);
        }
        if (lineEvery == 0) {
            err.print("\r" + " ".repeat(78) + "\r");
        }
        err.flush();
    }

    private synchronized void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < (lineEvery > 0 ? lineEvery * 1e9 : 250_000_000L)) {
            return;
        }
        lastDraw = now;
        double f = Math.min(1, done.get() / (double) total);
        int w = 30;
        int fill = (int) Math.round(f * w);
        double elapsed = (now - startNanos) / 1e9;
        String eta = f > 0.001 && f < 1 ? "ETA " + clock(elapsed * (1 - f) / f) : "";
        String items = stepUnit == null ? "" : String.format(Locale.ROOT, " %d/%d %s", steps.get(), totalSteps, stepUnit);
        if (lineEvery > 0) {
            lastDrawnSteps = steps.get();
            err.print(String.format(Locale.ROOT, "%s:%s, %.0f%% of the work, elapsed %s%s%n", task, items, 100 * f,
                    clock(elapsed), eta.isEmpty() ? "" : ", " + eta));
            err.flush();
            return;
        }
        String rate = rateUnit != null && elapsed > 0 ? String.format(Locale.ROOT, " %.1f %s/s", done.get() / elapsed, rateUnit) : "";
        err.print(String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%%%s %s %s%s  ", task, "#".repeat(fill), ".".repeat(w - fill),
                100 * f, items, clock(elapsed), eta, rate));
        err.flush();
    }

    private static String clock(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
