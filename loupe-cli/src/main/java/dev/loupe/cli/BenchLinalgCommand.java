package dev.loupe.cli;

import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.bench.LinalgBench;
import dev.loupe.linalg.bench.LinalgBenchResult;
import dev.loupe.linalg.bench.Timing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench linalg}: Gram and eigenvalue kernels, as ratios against dgemm / dsyevd in the same run. */
@Command(name = "linalg", mixinStandardHelpOptions = true,
        description = {"Time the Gram (dsyrk, ssyrk, EJML vs a dgemm Gram) and eigenvalue drivers (ssyevd, dsyevr,",
                "ssyevr, EJML vs dsyevd) on 1024², 4096², 11008x4096, the end-to-end ESD of 11008x4096 and its",
                "top-10 by matrix-free Lanczos (error vs the exact ESD printed).",
                "Ratios are time / baseline time from the same run (below 1 = faster).",
                "Takes 2-4 minutes on an idle 2-core machine; EJML runs on the 1024 size only."})
final class BenchLinalgCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Small sizes only (a smoke run of a few seconds).")
    boolean quick;

    @Option(names = "--threads", description = "OpenBLAS threads (default: all cores).")
    Integer threads;

    @Option(names = "--repeat", defaultValue = "1", description = "Timed repeats per kernel; the best is kept (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--json", description = "Print the result record as JSON.")
    boolean json;

    @Override
    public Integer call() {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (t < 1 || repeat < 1) {
            throw new dev.loupe.core.LoupeException("--threads and --repeat must be >= 1");
        }
        LinalgBench.Config cfg = quick ? LinalgBench.Config.quick(t, repeat) : LinalgBench.Config.standard(t, repeat);
        LinalgBenchResult r = LinalgBench.run(cfg, Progress.NONE);
        if (json) {
            Output.json(r);
            return 0;
        }
        System.out.println("native: " + r.nativeBackend() + ", " + r.threads() + " thread(s), best of " + r.repeats());
        System.out.println("Backends.best(): " + Backends.report());
        Table table = new Table("group", "kernel", "seconds", "ratio", "vs");
        String last = "";
        for (Timing x : r.timings()) {
            table.row(x.group().equals(last) ? "" : x.group(), x.kernel(), String.format(Locale.ROOT, "%.3f", x.seconds()),
                    String.format(Locale.ROOT, "%.2f", x.ratio()), x.baseline());
            last = x.group();
        }
        table.print(System.out);
        return 0;
    }
}
