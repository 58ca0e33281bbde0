package dev.loupe.core.bench;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** Wall-clock timing shared by the benchmarks of every module (core, linalg, spectral). */
public final class Stopwatch {
    private Stopwatch() {
    }

    /** Seconds one run of {@code work} takes. */
    public static double seconds(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * The best (lowest) seconds over {@code runs} runs; {@code fresh} prepares each run's input outside the
     * clock (e.g. a matrix an in-place kernel overwrites).
     */
    public static <T> double best(int runs, Supplier<T> fresh, Consumer<T> work) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < runs; r++) {
            T input = fresh.get();
            best = Math.min(best, seconds(() -> work.accept(input)));
        }
        return best;
    }
}
