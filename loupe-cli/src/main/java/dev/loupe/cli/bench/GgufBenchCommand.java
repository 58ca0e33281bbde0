package dev.loupe.cli.bench;

import dev.loupe.cli.Table;
import dev.loupe.compress.bench.GgufQuantizeBenchmark;
import dev.loupe.core.bench.GgufBenchmark;
import dev.loupe.core.tensor.DType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench gguf}: dequantizing every ggml block type to float, against a float copy and F16 decoding. */
@Command(name = "gguf", mixinStandardHelpOptions = true,
        description = {"Dequantize a SIZExSIZE matrix of seeded N(0, 0.02) weights, quantized to each ggml block type "
                + "(Q4_0 ... Q8_K), into an existing float[].",
                "GB/s of float output, best of --runs, as ratios to a copy of a float[] of the same size and to F16 "
                        + "decoding, both measured in the same run on the same threads; rms err is the quantization's "
                        + "relative RMS error (a check that the blocks decode to the weights, 100 %% = all wrong).",
                "--quantize instead times the GGUF writer's quantizers (Q4_0 ... Q6_K, ggml's reference and "
                        + "importance-weighted variants) single-threaded on SIZE rows of SIZE, as ratios to Q8_0 in the same run."})
public final class GgufBenchCommand implements Callable<Integer> {
    @Option(names = "--size", defaultValue = "4096", paramLabel = "SIZE",
            description = "Rows and columns of the matrix, a multiple of 256 (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N",
            description = "Threads decoding, each a contiguous range of rows (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--types", split = ",", paramLabel = "TYPE",
            description = "Block types to measure, comma-separated (default: all, Q4_0,Q4_1,...,Q8_K).")
    List<String> types;

    @Option(names = "--runs", defaultValue = "5", paramLabel = "N",
            description = "Runs per measurement; the best counts (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(paramLabel = "SEED", names = "--seed", defaultValue = "42", description = "Seed of the synthetic weights (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quantize", description = "Time quantization (loupe convert's quantizers) instead of decoding.")
    boolean quantize;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (size < 256 || size > 32768 || size % 256 != 0) {
            throw new CommandLine.ParameterException(cl, "--size must be a multiple of 256 in 256..32768");
        }
        if (threads < 1 || threads > 256) {
            throw new CommandLine.ParameterException(cl, "--threads must be 1..256");
        }
        if (runs < 1 || runs > 100) {
            throw new CommandLine.ParameterException(cl, "--runs must be 1..100");
        }
        PrintWriter out = cl.getOut();
        if (quantize) {
            out.printf(Locale.ROOT, "quantizing %dx%d N(0, 0.02) weights, 1 thread, best of %d%n", size, size, runs);
            Table q = new Table("type", "importances", "best ms", "M weights/s", "x Q8_0 time");
            for (GgufQuantizeBenchmark.Row r : GgufQuantizeBenchmark.run(size, size, runs, seed)) {
                q.row(r.type().name(), r.weighted() ? "yes" : "no", Table.num(r.seconds() * 1e3, 1),
                        Table.num(r.megaWeightsPerSecond(), 1), Table.num(r.vsQ8_0(), 2));
            }
            q.print(out);
            out.println("x Q8_0 time: this type's time divided by Q8_0's in this run (ggml's Q8_0 ignores importances)");
            out.flush();
            return 0;
        }
        List<GgufBenchmark.Result> results = GgufBenchmark.run(size, threads, runs, blockTypes(cl), seed);
        out.printf(Locale.ROOT, "%dx%d weights, %d thread(s) of %d cores, best of %d%n", size, size, threads,
                Runtime.getRuntime().availableProcessors(), runs);
        Table t = new Table("type", "best ms", "GB/s", "copy GB/s", "x copy", "F16 GB/s", "x F16", "rms err");
        for (GgufBenchmark.Result r : results) {
            t.row(r.type().name(), Table.num(r.bestSeconds() * 1e3, 1), Table.num(r.gbPerSecond(), 2),
                    Table.num(r.copyGbPerSecond(), 2), Table.num(r.vsCopy(), 2), Table.num(r.f16GbPerSecond(), 2),
                    Table.num(r.vsF16(), 2), Table.num(100 * r.relativeRmsError(), 2) + " %");
        }
        t.print(out);
        out.println("x copy / x F16: dequantization GB/s divided by the copy's / F16 decoding's GB/s in this run");
        out.flush();
        return 0;
    }

    private List<DType> blockTypes(CommandLine cl) {
        if (types == null || types.isEmpty()) {
            return GgufBenchmark.blockTypes();
        }
        List<DType> out = new ArrayList<>();
        for (String name : types) {
            DType t = DType.parse(name.strip()).filter(DType::isQuantized).orElseThrow(() ->
                    new CommandLine.ParameterException(cl, "--types: '" + name + "' is not one of "
                            + GgufBenchmark.blockTypes()));
            if (!out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }
}
