package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.ThreadsOption;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.cli.TerminalProgress;
import dev.loupe.spectral.bench.InspectBenchmark;
import dev.loupe.spectral.bench.ModelBenchmark;
import dev.loupe.spectral.esd.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench inspect}: one LLaMA-7B-shaped block, inspected end to end, fp64 and fp32. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Inspect one LLaMA-7B-shaped block end to end, against its read time and a one-layer ESD.",
                "The block (4 x 4096x4096 + 3 x 4096x11008, synthetic BF16 safetensors written to a temp dir) is "
                        + "inspected in each --precision; ratios against the same run's pure read time and the ESD of one "
                        + "4096x4096 layer; projected time of the 32-block model. --threads is the number of layers "
                        + "analyzed in parallel.",
                "--model: instead, write a whole LLaMA-7B-shaped checkpoint (32 blocks, embeddings and head, BF16, one "
                        + "safetensors shard per block, ~13.5 GB) into a temp dir, inspect it end to end in --precision "
                        + "(first value), and print the wall time, peak heap, each shape's parts (decode, Gram, "
                        + "eigenvalues, fits) measured once, the FLOPs of the Gram and the tridiagonalization, and the "
                        + "fraction of a same-run sgemm's rate reached; the folder is deleted afterwards. Set the heap "
                        + "with LOUPE_HEAP (e.g. 6g)."})
public final class InspectBenchCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "1", paramLabel = "1..64", description = "Divide every dimension by this (the "
            + "pure-Java backend needs ~4 to finish quickly); times are projected back with the cubic cost law "
            + "(default: ${DEFAULT-VALUE}).")
    int scale;

    @CommandLine.Mixin
    ThreadsOption threads;

    // An enum list, so picocli rejects an unknown precision as a usage error (exit 2) rather than valueOf failing later.
    @Option(names = "--precision", split = ",", defaultValue = "fp64,fp32", paramLabel = "fp64|fp32",
            description = "Precisions to run, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Precision> precisions;

    @Option(names = "--model", description = "Inspect a whole generated LLaMA-7B-shaped checkpoint instead of one block.")
    boolean model;

    @Option(names = "--blocks", defaultValue = "32", paramLabel = "1..32", description = "Transformer blocks of the "
            + "--model checkpoint (default: ${DEFAULT-VALUE}, the 7B shape; fewer for a quicker run).")
    int blocks;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (scale < 1 || scale > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale must be 1..64");
        }
        int t = threads.resolve();
        DenseBackend backend = Backends.best();
        if (model) {
            return model(backend, t);
        }
        try (ScratchDir dir = ScratchDir.create("loupe-bench-inspect")) {
            List<InspectBenchmark.Result> rs = InspectBenchmark.run(dir.path(), backend, scale, t, precisions);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("backend %s, %d cores, %d threads, block %dx%d x4 + %dx%d x3 (scale 1/%d)%n", backend.name(),
                    Runtime.getRuntime().availableProcessors(), t, InspectBenchmark.D / scale, InspectBenchmark.D / scale,
                    InspectBenchmark.F / scale, InspectBenchmark.D / scale, scale);
            Table tb = new Table("precision", "block s", "block CPU s", "read s", "block/read", "1-layer ESD s", "block/1-layer",
                    "full block s", "32 blocks min");
            for (InspectBenchmark.Result r : rs) {
                tb.row(r.precision(), Table.num(r.blockSeconds(), 2), Table.num(r.blockCpuSeconds(), 2),
                        Table.num(r.readSeconds(), 3),
                        Table.num(r.ratioToRead(), 1), Table.num(r.oneLayerEsdSeconds(), 2), Table.num(r.ratioToOneLayer(), 2),
                        Table.num(r.projectedBlockSeconds(), 1), Table.num(r.projectedModelSeconds() / 60, 1));
            }
            tb.print(out);
            out.println(scale == 1 ? "full size measured; 32 blocks = 32 x block (embeddings/lm-head not included)"
                    : "full block and 32 blocks PROJECTED from the 1/" + scale + " run with cost ~ N*M^2 + M^3 (x" + scale * scale * scale + ")");
            out.println("block CPU s = process CPU time (Java + native threads) of the block; on a loaded machine "
                    + "CPU s / cores approximates the uncontended wall time");
            out.println("targets (native backend): <= 40 s fp64, <= 25 s fp32 per block");
            out.flush();
        }
        return 0;
    }

    private int model(DenseBackend backend, int t) throws IOException {
        if (blocks < 1 || blocks > 32) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--blocks must be 1..32");
        }
        PrintWriter out = spec.commandLine().getOut();
        Precision p = precisions.getFirst();
        try (ScratchDir dir = ScratchDir.create("loupe-bench-model")) {
            long[] bytes = new long[1];
            // minutes of work, often with stderr in a log: a line every 30 s there, the bar on a terminal
            double write = dev.loupe.core.bench.Stopwatch.seconds(() -> bytes[0] = ModelBenchmark.write(dir.path(), blocks,
                    TerminalProgress.forLongRun(false, "shards", blocks, 30)));
            ModelBenchmark.Result r = ModelBenchmark.run(dir.path(), blocks, bytes[0], write, backend, t, p,
                    TerminalProgress.forLongRun(false, "layers", ModelBenchmark.matrixCount(blocks), 30));
            out.printf(Locale.ROOT, "backend %s, %d cores, %d layers in parallel, precision %s%n", backend.name(),
                    Runtime.getRuntime().availableProcessors(), t, r.precision());
            out.printf(Locale.ROOT, "checkpoint: %d blocks + embeddings + head, %d layers, %s BF16 in %d shards, written in %.0f s%n",
                    r.blocks(), r.layers(), Table.bytes(r.bytes()), r.blocks(), r.writeSeconds());
            out.printf(Locale.ROOT, "inspect end to end: %.1f s wall (%.1f min), %.0f s process CPU, peak heap %s of %s, "
                            + "%d layers recomputed in fp64; load average before %s, after %s%n", r.wallSeconds(),
                    r.wallSeconds() / 60, r.cpuSeconds(), Table.bytes(r.peakHeapBytes()), Table.bytes(r.maxHeapBytes()),
                    r.recomputedFp64().size(), r.loadBefore(), r.loadAfter());
            if (!r.recomputedFp64().isEmpty()) {
                int show = Math.min(8, r.recomputedFp64().size());
                out.printf(Locale.ROOT, "recomputed in fp64: %s%s%n", String.join(", ", r.recomputedFp64().subList(0, show)),
                        show < r.recomputedFp64().size() ? ", ... (" + (r.recomputedFp64().size() - show) + " more)" : "");
            }
            Table tb = new Table("shape", "count", "decode s", "Gram s", "eigenvalues s", "fits s", "Gram GFLOP",
                    "tridiag GFLOP", "x count: s");
            double modeled = 0;
            double[] split = new double[4];
            for (ModelBenchmark.Part x : r.parts()) {
                double each = x.decodeSeconds() + x.gramSeconds() + x.eigenSeconds() + x.fitSeconds();
                modeled += each * x.count();
                split[0] += x.decodeSeconds() * x.count();
                split[1] += x.gramSeconds() * x.count();
                split[2] += x.eigenSeconds() * x.count();
                split[3] += x.fitSeconds() * x.count();
                tb.row(x.shape(), Integer.toString(x.count()), Table.num(x.decodeSeconds(), 2), Table.num(x.gramSeconds(), 2),
                        Table.num(x.eigenSeconds(), 2), Table.num(x.fitSeconds(), 2), Table.num(x.gramFlops() / 1e9, 0),
                        Table.num(x.tridiagonalFlops() / 1e9, 0), Table.num(each * x.count(), 0));
            }
            tb.print(out);
            double flops = r.modelFlops();
            out.printf(Locale.ROOT, "parts x counts = %.0f s of one-thread work (%.0f s on %d threads if perfectly parallel) "
                    + "vs %.0f s measured%n", modeled, modeled / t, t, r.wallSeconds());
            out.printf(Locale.ROOT, "split of that work: read+decode %.0f s (%.0f %%), Gram %.0f s (%.0f %%), eigenvalues "
                            + "(tridiagonalization + sterf) %.0f s (%.0f %%), fits and weight statistics %.0f s (%.0f %%)%n",
                    split[0], 100 * split[0] / modeled, split[1], 100 * split[1] / modeled, split[2],
                    100 * split[2] / modeled, split[3], 100 * split[3] / modeled);
            out.printf(Locale.ROOT, "model: %.1f TFLOP (Gram + tridiagonalization) in %.0f s = %.1f GFLOP/s; same-run sgemm "
                            + "4096^3 on %d threads: %.1f GFLOP/s, so %.0f %% of it%n", flops / 1e12, r.wallSeconds(),
                    flops / r.wallSeconds() / 1e9, t, r.sgemmGflops(), 100 * flops / r.wallSeconds() / 1e9 / r.sgemmGflops());
            out.flush();
        }
        return 0;
    }
}
