package dev.loupe.cli.bench;

import dev.loupe.cli.JsonOption;
import dev.loupe.cli.Table;
import dev.loupe.cli.ThreadsOption;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.bench.LinalgBench;
import dev.loupe.linalg.bench.LinalgBenchResult;
import dev.loupe.linalg.bench.Timing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code loupe bench linalg}: Gram and eigenvalue kernels, as ratios against dgemm / dsyevd in the same run. */
@Command(name = "linalg", mixinStandardHelpOptions = true,
        description = {"Time the Gram and symmetric-eigenvalue kernels against dgemm / dsyevd in the same run.",
                "Gram: dsyrk, ssyrk, EJML vs a dgemm Gram; eigenvalues: ssyevd, dsyevr, ssyevr, EJML vs dsyevd; on 1024², "
                        + "4096², 11008x4096, plus the end-to-end ESD of 11008x4096 and its top-10 by matrix-free Lanczos "
                        + "(error vs the exact ESD printed).",
                "Ratios are time / baseline time from the same run (below 1 = faster). --threads sets the OpenBLAS "
                        + "threads. Takes 2-4 minutes on an idle 2-core machine; EJML runs on the 1024 size only."})
public final class BenchLinalgCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Small sizes only (a smoke run of a few seconds).")
    boolean quick;

    @Mixin
    ThreadsOption threads;

    @Option(names = "--repeat", defaultValue = "1", paramLabel = "N", description = "Timed repeats per kernel; the best is kept (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        int t = threads.resolve();
        if (repeat < 1) {
            throw new dev.loupe.core.LoupeException("--repeat must be >= 1");
        }
        LinalgBench.Config cfg = quick ? LinalgBench.Config.quick(t, repeat) : LinalgBench.Config.standard(t, repeat);
        LinalgBenchResult r = LinalgBench.run(cfg, Progress.NONE);
        PrintWriter out = spec.commandLine().getOut();
        if (json.print(r, out)) {
            out.flush();
            return 0;
        }
        out.println("native: " + r.nativeBackend() + ", " + r.threads() + " thread(s), best of " + r.repeats());
        out.println("Backends.best(): " + Backends.report());
        Table table = new Table("group", "kernel", "seconds", "ratio", "vs");
        String last = "";
        for (Timing x : r.timings()) {
            table.row(x.group().equals(last) ? "" : x.group(), x.kernel(), Table.num(x.seconds(), 3), Table.num(x.ratio(), 2),
                    x.baseline());
            last = x.group();
        }
        table.print(out);
        out.flush();
        return 0;
    }
}
