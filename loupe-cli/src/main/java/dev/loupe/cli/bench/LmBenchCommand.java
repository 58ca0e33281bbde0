package dev.loupe.cli.bench;

import dev.loupe.cli.Output;
import dev.loupe.cli.TerminalProgress;
import dev.loupe.lm.bench.LmBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench lm}: perplexity-evaluation throughput of a ~1B LLaMA-shaped model against llama.cpp. */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"Tokens/s of perplexity evaluation (llama.cpp's convention: --chunks chunks of --ctx tokens, one "
                + "forward pass each) on a generated LLaMA-shaped GGUF with seeded random weights: TinyLlama-1.1B's shape "
                + "(hidden 2048, 32 heads / 4 KV heads, FFN 5632, vocabulary 32000) with --layers blocks (22: 1.1 B "
                + "parameters), written to a temporary directory and deleted afterwards.",
                "The baseline, measured in the same run on the same file, text and threads: llama.cpp through the peer "
                        + "harness peers/llama-cpp (node-llama-cpp 3.21.1; set up with bash peers/llama-cpp/setup.sh or "
                        + "NLC_DIR) when it is installed, else the bare sgemm time of the same projections and head. Run it "
                        + "from the repository root."})
public final class LmBenchCommand implements Callable<Integer> {
    @Option(names = "--layers", defaultValue = "22", paramLabel = "N", description = "Decoder blocks (default ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--dtype", defaultValue = "F16", paramLabel = "F16|F32", description = "Storage of the weight matrices (default ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--ctx", defaultValue = "512", paramLabel = "N", description = "Tokens per chunk, llama.cpp's n_ctx (default ${DEFAULT-VALUE}).")
    int ctx;

    @Option(names = "--chunks", defaultValue = "2", paramLabel = "N", description = "Chunks evaluated (default ${DEFAULT-VALUE}).")
    int chunks;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for Loupe's BLAS and for llama.cpp (default: the available processors).")
    Integer threads;

    @Option(names = "--text", defaultValue = "fixtures/lm/heldout.txt", paramLabel = "FILE",
            description = "Text to tokenize (printable ASCII kept, repeated to length; default ${DEFAULT-VALUE}).")
    Path text;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandLine cl = spec.commandLine();
        boolean f16 = switch (dtype.toUpperCase(Locale.ROOT)) {
            case "F16" -> true;
            case "F32" -> false;
            default -> throw new CommandLine.ParameterException(cl, "--dtype must be F16 or F32");
        };
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (layers < 1 || layers > 64 || ctx < 2 || ctx > 2048 || chunks < 1 || chunks > 64 || t < 1 || t > 256) {
            throw new CommandLine.ParameterException(cl, "need --layers 1..64, --ctx 2..2048, --chunks 1..64, --threads 1..256");
        }
        LmBench.Result r;
        try (ScratchDir dir = ScratchDir.create("loupe-bench-lm")) {
            r = LmBench.run(new LmBench.Options(dir.path(), text, layers, f16, ctx, chunks, t, 42),
                    TerminalProgress.forTerminal(json, "tokens"));
        }
        PrintWriter out = cl.getOut();
        if (json) {
            Output.json(r, out);
            return 0;
        }
        out.printf(Locale.ROOT, "model: LLaMA-shaped, %.2f B parameters, %s, %.2f GiB GGUF (generated in %.1f s)%n", r.parameters() / 1e9,
                r.dtype(), r.modelBytes() / (double) (1L << 30), r.generateSeconds());
        out.printf(Locale.ROOT, "perplexity pass: %d chunks of %d tokens, %d threads%n", r.chunks(), r.ctx(), r.threads());
        out.printf(Locale.ROOT, "loupe      %10.1f tokens/s%n", r.loupeTokensPerSecond());
        out.printf(Locale.ROOT, "baseline   %10.1f tokens/s  %s%n", r.baselineTokensPerSecond(), r.baseline());
        out.printf(Locale.ROOT, "ratio      %10.2f x (loupe / baseline)%n", r.ratio());
        if (r.peakResidentBytes() > 0) {
            out.printf(Locale.ROOT, "loupe peak resident memory %.2f GiB (model file %.2f GiB)%n", r.peakResidentBytes() / (double) (1L << 30),
                    r.modelBytes() / (double) (1L << 30));
        }
        if (!r.baselineCommand().isEmpty()) {
            out.println("baseline command: " + r.baselineCommand());
        }
        if (!r.note().isEmpty()) {
            out.println("note: " + r.note());
        }
        out.flush();
        return 0;
    }
}
