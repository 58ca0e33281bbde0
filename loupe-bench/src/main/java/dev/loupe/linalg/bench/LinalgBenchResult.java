package dev.loupe.linalg.bench;

import java.util.List;

/**
 * Results of one {@link LinalgBench} run.
 *
 * @param nativeBackend name of the native backend measured
 * @param threads       OpenBLAS threads used
 * @param repeats       timed repeats per kernel (best taken)
 * @param timings       in run order, grouped
 */
public record LinalgBenchResult(String nativeBackend, int threads, int repeats, List<Timing> timings) {
    public LinalgBenchResult {
        timings = List.copyOf(timings);
    }
}
