package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.core.bench.ReadBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code loupe bench read}: decoding a 4096x11008 BF16/F16 tensor into float[]/double[]. */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = {"Decode a 4096x11008 BF16 and F16 safetensors tensor into float[] and double[].",
                "GB/s of output, best of N runs, against a raw memory copy of the same size measured in the same run.",
                "Strided views of the BF16 storage (a column slice w[:, 64:] and the transpose w.T) are read against "
                        + "the contiguous read of the whole tensor in the same run."})
public final class ReadBenchCommand implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "7", paramLabel = "N",
            description = "Runs per measurement, at least 1; the best counts (default: ${DEFAULT-VALUE}).")
    int runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (runs < 1) {
            throw new dev.loupe.core.LoupeException("--runs must be at least 1, got " + runs);
        }
        try (ScratchDir dir = ScratchDir.create("loupe-bench-read")) {
            List<ReadBenchmark.Result> results = ReadBenchmark.run(dir.path(), runs);
            PrintWriter out = spec.commandLine().getOut();
            Table t = new Table("dtype", "into", "output", "best ms", "GB/s", "baseline", "baseline GB/s", "ratio");
            for (ReadBenchmark.Result r : results) {
                t.row(r.dtype(), r.into(), Table.bytes(r.outputBytes()), Table.num(r.bestSeconds() * 1e3, 1),
                        Table.num(r.gbPerSecond(), 2), r.baseline(), Table.num(r.baselineGbPerSecond(), 2), Table.num(r.ratio(), 2));
            }
            t.print(out);
            out.printf("%d cores; ratio = decode GB/s / baseline GB/s: copy = a single-threaded copy of the same output bytes, "
                    + "contiguous = toFloats of the whole contiguous BF16 tensor%n",
                    Runtime.getRuntime().availableProcessors());
            out.flush();
        }
        return 0;
    }
}
