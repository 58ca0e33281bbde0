package dev.loupe.cli;

import dev.loupe.core.progress.Progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress bar with ETA on stderr, redrawn at most 4 times a second. Hand-written (40
 * lines) rather than me.tongfei:progressbar, which would bring JLine for what a carriage return does.
 * Use {@link #forTerminal} so it stays silent when stderr is not a terminal.
 */
public final class TerminalProgress implements Progress {
    private final PrintStream err;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile String task = "";
    private volatile long startNanos;
    private volatile long lastDraw;
    private final String rateUnit;

    private TerminalProgress(PrintStream err, String rateUnit) {
        this.err = err;
        this.rateUnit = rateUnit;
    }

    /** A bar when a console is attached and not {@code quiet}; otherwise {@link Progress#NONE}. */
    public static Progress forTerminal(boolean quiet) {
        return forTerminal(quiet, null);
    }

    /** As {@link #forTerminal(boolean)}, also showing the rate in {@code rateUnit} per second (e.g. "tokens"). */
    public static Progress forTerminal(boolean quiet, String rateUnit) {
        return quiet || System.console() == null ? Progress.NONE : new TerminalProgress(System.err, rateUnit);
    }

    @Override
    public void start(String task, long total) {
        this.task = task;
        this.total = Math.max(1, total);
        done.set(0);
        startNanos = System.nanoTime();
        draw(true);
    }

    @Override
    public void advance(long units) {
        done.addAndGet(units);
        draw(false);
    }

    @Override
    public void done() {
        draw(true);
        err.print("\r" + " ".repeat(78) + "\r");
        err.flush();
    }

    private synchronized void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < 250_000_000L) {
            return;
        }
        lastDraw = now;
        double f = Math.min(1, done.get() / (double) total);
        int w = 30;
        int fill = (int) Math.round(f * w);
        double elapsed = (now - startNanos) / 1e9;
        String eta = f > 0.001 && f < 1 ? "ETA " + clock(elapsed * (1 - f) / f) : "";
        String rate = rateUnit != null && elapsed > 0 ? String.format(Locale.ROOT, " %.1f %s/s", done.get() / elapsed, rateUnit) : "";
        err.print(String.format(Locale.ROOT, "\r%s [%s%s] %3.0f%% %s %s%s  ", task, "#".repeat(fill), ".".repeat(w - fill),
                100 * f, clock(elapsed), eta, rate));
        err.flush();
    }

    private static String clock(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
