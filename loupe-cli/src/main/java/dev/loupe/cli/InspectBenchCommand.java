package dev.loupe.cli;

import dev.loupe.linalg.Backends;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.bench.InspectBenchmark;
import dev.loupe.spectral.esd.Precision;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code loupe bench inspect}: one LLaMA-7B-shaped block, inspected end to end, fp64 and fp32. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Inspect one LLaMA-7B-shaped block (4 x 4096x4096 + 3 x 4096x11008, synthetic BF16 safetensors",
                "written to a temp dir) in fp64 and fp32; ratios against the same run's pure read time and the",
                "ESD of one 4096x4096 layer; projected time of the 32-block model."})
final class InspectBenchCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "1", description = "Divide every dimension by this (the pure-Java backend "
            + "needs ~4 to finish quickly); times are projected back with the cubic cost law (default ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--threads", description = "Layers in parallel (default: cores).")
    Integer threads;

    @Option(names = "--precision", split = ",", defaultValue = "fp64,fp32", description = "Precisions to run (default ${DEFAULT-VALUE}).")
    List<String> precisions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (scale < 1 || scale > 64) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scale must be 1..64");
        }
        List<Precision> ps = precisions.stream().map(p -> Precision.valueOf(p.toUpperCase(Locale.ROOT))).toList();
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        DenseBackend backend = Backends.best();
        Path dir = Files.createTempDirectory("loupe-bench-inspect");
        try {
            List<InspectBenchmark.Result> rs = InspectBenchmark.run(dir, backend, scale, t, ps);
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
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (UncheckedIOException ignored) {
                // best effort cleanup of a temp dir
            }
        }
        return 0;
    }
}
