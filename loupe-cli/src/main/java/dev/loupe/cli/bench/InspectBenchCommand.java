package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.cli.ThreadsOption;
import dev.loupe.linalg.Backends;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.bench.InspectBenchmark;
import dev.loupe.spectral.esd.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe bench inspect}: one LLaMA-7B-shaped block, inspected end to end, fp64 and fp32. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Inspect one LLaMA-7B-shaped block end to end, against its read time and a one-layer ESD.",
                "The block (4 x 4096x4096 + 3 x 4096x11008, synthetic BF16 safetensors written to a temp dir) is "
                        + "inspected in each --precision; ratios against the same run's pure read time and the ESD of one "
                        + "4096x4096 layer; projected time of the 32-block model. --threads is the number of layers "
                        + "analyzed in parallel."})
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (scale < 1 || scale > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale must be 1..64");
        }
        int t = threads.resolve();
        DenseBackend backend = Backends.best();
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
}
