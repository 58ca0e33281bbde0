package dev.loupe.cli.compress;

import dev.loupe.cli.ByteSizeConverter;
import dev.loupe.cli.EncoderOptions;
import dev.loupe.cli.Output;
import dev.loupe.cli.OutputPaths;
import dev.loupe.cli.QuietOption;
import dev.loupe.cli.Table;
import dev.loupe.compress.Method;
import dev.loupe.compress.Mode;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.allocate.EsdMetric;
import dev.loupe.compress.CalibrationOrder;
import dev.loupe.compress.engine.CompressRequest;
import dev.loupe.compress.engine.CompressRun;
import dev.loupe.compress.engine.EvalData;
import dev.loupe.cli.landscape.ModelDataOptions;
import dev.loupe.compress.engine.HessianTraceSource;
import dev.loupe.compress.allocate.HessianTrace;
import dev.loupe.landscape.engine.ModelData;
import dev.loupe.landscape.hessian.PerLayerHessian;
import dev.loupe.compress.gguf.GgufFileType;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.EvalResult;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.result.LayerSensitivity;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.safetensors.ByteSize;
import dev.loupe.linalg.Backends;
import dev.loupe.report.compress.CompressReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe compress}: prune or quantize a checkpoint with a per-layer budget, write a smaller file. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = {"Prune (--sparsity S) or quantize (--bits B) the weight matrices of a checkpoint and write a copy.",
                "Pruning: --method magnitude|wanda|nm|sparsegpt, --allocate uniform|alpha (AlphaPruning: layers with larger "
                + "PL_Alpha_Hill are pruned more; the parameter-weighted mean stays S)|owl|hessian.",
                "Quantization: --method rtn|gptq, --allocate uniform|knapsack|greedy (bits per layer from measured errors)|hessian.",
                "--allocate hessian on an ONNX classifier with --data/--labels, or an ONNX sentence encoder with --text, is HAWQ-V2: each "
                + "layer's loss-Hessian trace (exact Hessian-vector products, Hutchinson; for an encoder the self-distillation loss of "
                + "loupe hessian --text) times its squared quantization or pruning error, minimized under the size budget.",
                "SparseGPT and GPTQ update the remaining weights to compensate, from each layer's XᵀX over --data/--text.",
                "ONNX in, ONNX out: MatMul/Gemm weights at <= 4 bits (or group-wise) as com.microsoft MatMulNBits and "
                + "<= 4-bit embedding tables as GatherBlockQuantized (ONNX Runtime contrib ops, two 4-bit codes per byte), "
                + "others int8 + DequantizeLinear or Cast/Mul; other formats out as .safetensors.",
                "GGUF out (--out x.gguf, from a Hugging Face decoder folder or a .gguf): --gguf-type (default Q4_K_M, "
                + "llama.cpp's mixture) with ggml's quantizers, importance-weighted by --calibration TEXT as llama.cpp's "
                + "imatrix is; --allocate knapsack instead picks each linear layer's type (Q4_K/Q5_K/Q6_K/Q8_0) to minimize "
                + "the calibration-weighted squared error within the bytes the recipe spends on them. "
                + "--method gptq --bits 4|5|8 --calibration TEXT instead runs GPTQ on the grid of ggml's Q4_0/Q5_0/Q8_0 blocks "
                + "(float16 scales, --group a multiple of 32, default 32) and stores its codes as those blocks, so llama.cpp "
                + "runs exactly the weights GPTQ chose (Hugging Face folder in). --method gptq --calibration TEXT without --bits "
                + "runs GPTQ on each tensor's grid of the --gguf-type recipe (K-quants included; with --allocate knapsack, of "
                + "the allocated type): scales and mins fixed first by ggml's importance-weighted quantizer, then each weight "
                + "rounded to them with GPTQ's error compensation, from each tensor's XᵀX block by block through the blocks "
                + "before it as written (--one-shot: through the float model). --method sparsegpt "
                + "--sparsity S (or --nm N:M) --calibration TEXT prunes the same tensors by SparseGPT and writes them as "
                + "--gguf-type F16, BF16, F32 or Q8_0 (types that keep the zeros; llama.cpp runs them dense)."})
public final class CompressCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Checkpoint to compress (.onnx, .safetensors, ...).")
    Path model;

    @Option(names = "--sparsity", paramLabel = "S", description = "Target mean sparsity in [0, 1).")
    Double sparsity;

    @Option(names = "--bits", paramLabel = "B", description = "Target mean bits per weight, 2..8.")
    Double bits;

    @Option(names = "--allocate", paramLabel = "HOW",
            description = "uniform | alpha | owl (pruning) | knapsack | greedy (bits) | hessian (both). Default uniform. hessian (HAWQ-V2): the knapsack over "
                    + "each layer's Ω = Tr(H)/n·‖Q(W) − W‖² at each width (with --sparsity: ‖P_s(W) − W‖² at sparsities 0, 5%%, ..., 95%%), Tr(H) the Hutchinson trace of the layer's block of the loss "
                    + "Hessian (exact Hessian-vector products, as loupe hessian --per-layer; see --trace-samples): the cross-entropy over --data/--labels on an ONNX classifier, "
                    + "the MSE of the pooled embeddings against the model's own over --text on an ONNX sentence encoder (self-distillation, Gauss-Newton). "
                    + "With --calibration (language models) or --trace-samples 0 (bits only) the calibration XᵀX proxy tr(ΔW·XᵀX/N·ΔWᵀ) instead.")
    AllocationMethod allocate;

    @Option(names = "--method", paramLabel = "M",
            description = "magnitude (default) | wanda | nm | sparsegpt (pruning); rtn (the default) | gptq (quantization). "
                    + "sparsegpt and gptq need calibration data: --data or --text on an ONNX model, --calibration on a language model.")
    Method method;

    @Option(names = "--nm", paramLabel = "N:M", description = "N:M pattern: keep N of every M inputs; for --method nm (default 2:4) "
            + "or sparsegpt (unstructured without it).")
    String nm;

    @Option(names = "--act-order", description = "With --method gptq: quantize input channels in decreasing order of their "
            + "activation energy (the XᵀX diagonal); group scales are then fixed from the original weights.")
    boolean actOrder;

    @Option(paramLabel = "X", names = "--epsilon", defaultValue = "0.3", description = "AlphaPruning's epsilon: sparsities span S(1-e)..S(1+e) before rescaling (default ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--block-wise", description = "With --allocate alpha: average the metric within each transformer block first "
            + "(the default when every layer is in a transformer block, as AlphaPruning's LLM script does).")
    boolean blockWise;

    @Option(names = "--layer-wise", description = "With --allocate alpha: one metric per layer, even in transformer blocks.")
    boolean layerWise;

    @Option(names = "--metric", paramLabel = "M", description = "AlphaPruning's metric: alpha_mid (PL_Alpha_Hill, xmin at the median "
            + "eigenvalue; the default) or alpha_peak (KS-best fit with xmin near the ESD's peak; the authors' LLM default).")
    EsdMetric metric;

    @Option(names = "--skip", paramLabel = "REGEX", description = "Leave layers whose weight or ONNX node name contains a match uncompressed (e.g. the output head).")
    java.util.regex.Pattern skip;

    @Option(names = "--group", paramLabel = "G", description = "Quantization group size; 0 = per channel, -1 = per tensor. Default 128 (safetensors), 0 (ONNX; "
            + "group-wise ONNX needs MatMulNBits: MatMul/Gemm weights, a multiple of 16).")
    Integer group;

    @Option(names = "--asymmetric", description = "Asymmetric codes with zero points (default symmetric).")
    boolean asymmetric;

    @Option(names = "--outliers", paramLabel = "P", defaultValue = "0", description = "Fraction of largest |w| kept in full precision (safetensors only).")
    double outliers;

    @Option(names = "--embeddings", description = "Also quantize lookup tables (embeddings), where most of a small transformer's bytes are.")
    boolean embeddings;

    @Option(names = "--lowrank", paramLabel = "R", defaultValue = "0", description = "Add a rank-R SVD correction of each layer's quantization error (ONNX: two small MatMuls and an Add "
            + "beside each MatMulNBits).")
    int lowRank;

    @Option(names = "--norms", paramLabel = "FILE", description = "Wanda input-channel norms, JSON {layer: [norms]}.")
    Path norms;

    @Option(names = "--out", paramLabel = "FILE", description = "Where to write the compressed model: .onnx for an ONNX input, "
            + ".safetensors, NAME.safetensors.index.json for Hugging Face shards (see --max-shard-size), or .gguf. Safetensors "
            + "output is written layer by layer as each is compressed, so the heap holds one layer.")
    Path out;

    @Option(names = "--max-shard-size", paramLabel = "SIZE", defaultValue = "5GB", converter = ByteSizeConverter.class, description = "With --out NAME.safetensors.index.json "
            + "(Hugging Face shards NAME-00001-of-0000N.safetensors and their index): the largest shard, as Hugging Face's "
            + "max_shard_size (5GB = 5e9 bytes, 500MB, 2GiB = 2^31, or a byte count; default ${DEFAULT-VALUE}).")
    ByteSize maxShardSize;

    @Option(names = "--force", description = "Allow --out to be the input (replaced atomically).")
    boolean force;

    @Option(names = "--dry-run", description = "Show the allocation; write nothing.")
    boolean dryRun;

    @Option(paramLabel = "N", names = "--positions", defaultValue = "1", description = "Tokens (or samples) per inference for the memory-wall estimate (default ${DEFAULT-VALUE}).")
    long positions;

    @Option(names = "--hardware", paramLabel = "FILE", description = "Extra hardware profiles, JSON [{name, bandwidthGBps, peakTflops, source}].")
    Path hardware;

    @Option(names = "--eval", description = "Evaluate the original and the compressed ONNX model on --data/--labels (accuracy, loss) or --text (embedding cosine).")
    boolean eval;

    @Option(names = "--data", paramLabel = "X", description = "Classifier features (IDX[.gz], .npy, .csv) for --eval and Wanda calibration.")
    Path data;

    @Option(names = "--labels", paramLabel = "Y", description = "Labels for --data.")
    Path labels;

    @Option(names = "--text", paramLabel = "FILE", description = "Sentences, one per line, for an encoder (--eval, Wanda calibration).")
    Path text;

    @Mixin
    EncoderOptions encoder;

    @Option(names = "--calibration-data", paramLabel = "X", description = "ONNX classifier: features (IDX[.gz], .npy, .csv; no labels "
            + "are read) to calibrate on instead of --data, e.g. training images, so that --eval on --data measures held-out examples. "
            + "Its first --calibration-samples examples give Wanda's norms and the XᵀX of sparsegpt/gptq.")
    Path calibrationData;

    @Option(names = "--calibration-samples", paramLabel = "N", description = "Examples (or sentences) used for Wanda's norms, "
            + "the XᵀX of sparsegpt/gptq and the Hessian traces of --allocate hessian (default 128; " + TEXT_TRACE_SENTENCES
            + " sentences with --text --allocate hessian, whose exact traces cost a Hessian-vector product through the encoder per vector); "
            + "for a language model, windows of --context tokens of --calibration.")
    Integer calibrationSamples;

    @Option(names = "--calibration", paramLabel = "TEXT", description = "Decoder language model (Hugging Face folder): calibration text for Wanda's norms and the XᵀX of sparsegpt/gptq, "
            + "read whole and run through the model in windows of --context; --text is then the held-out text --eval reports perplexity on.")
    Path calibration;

    @Option(names = "--one-shot", description = "With sparsegpt/gptq: take every layer's XᵀX from one pass through the "
            + "uncompressed model, instead of block by block (decoder language model) or layer by layer (ONNX model) through the "
            + "layers already compressed (the default, as the GPTQ and SparseGPT papers).")
    boolean oneShot;

    @Option(names = "--context", paramLabel = "N", description = "Decoder language model: tokens per calibration and evaluation window "
            + "(default 512, or the model's positions if fewer; evaluation strides by N/2).")
    Integer context;

    @Option(names = "--gguf-type", paramLabel = "TYPE", description = "With --out x.gguf: llama.cpp file type, "
            + "Q4_K_M (default), Q5_K_M, a pure type (Q4_K, Q5_K, Q6_K, Q8_0, Q5_0, Q5_1, Q4_0) or F16/BF16/F32.")
    GgufFileType ggufType;

    @Option(names = "--trace-samples", paramLabel = "N", description = "With --allocate hessian on an ONNX model: Hutchinson "
            + "samples at most per weight tensor for its loss-Hessian trace (PyHessian's stopping rule at tolerance 1e-3 after 10; "
            + "default 100 with --data, " + TEXT_TRACE_VECTORS + " with --text, where MiniLM's 36 tensors then take 288 products over "
            + TEXT_TRACE_SENTENCES + " sentences, minutes on two cores), each one exact Hessian-vector product over the first "
            + "--calibration-samples examples; the CI of each trace is printed. 0: the calibration XᵀX proxy instead (bits only).")
    Integer traceSamples;

    /** Defaults of the exact traces over --text: a sentence encoder's Hessian-vector product is ~100× an MLP's. */
    static final int TEXT_TRACE_SENTENCES = 16;
    static final int TEXT_TRACE_VECTORS = 8;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Seed of the Hutchinson vectors of --allocate hessian (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @picocli.CommandLine.Mixin
    QuietOption quiet;

    @Option(names = "--report", paramLabel = "FILE.html", description = "Also write a self-contained HTML report.")
    Path htmlReport;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (out != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            return GgufCompression.run(this, spec.commandLine().getOut());
        }
        if (ggufType != null) {
            throw new LoupeException("--gguf-type applies to --out x.gguf");
        }
        int[] nmPair = nm != null ? parseNm(nm) : method == Method.NM ? new int[] {2, 4} : new int[] {0, 0};
        if (nm != null && method != Method.NM && method != Method.SPARSEGPT) {
            throw new LoupeException("--nm applies to --method nm or sparsegpt");
        }
        if (htmlReport != null && !htmlReport.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".html")) {
            // refuses before any work, and keeps a mistyped --report from clobbering a model file
            throw new LoupeException(htmlReport, "--report must name an .html file");
        }
        OutputPaths.file(htmlReport, model, data, labels, text, encoder.tokenizer(), norms, hardware, calibration, calibrationData);
        if (out != null) {
            // --force may replace the model file itself, never another file the model resolves to (a shard, external data)
            OutputPaths.file(out, force && OutputPaths.sameFile(out, model) ? null : model, data, labels, text, encoder.tokenizer(), norms, hardware,
                    calibration, calibrationData);
        }
        if (oneShot && (method == null || !method.needsGram())) {
            throw new LoupeException("--one-shot is about the XᵀX of --method sparsegpt or gptq");
        }
        CompressRequest request = new CompressRequest(model, goal(nmPair), skip,
                new CompressRequest.Data(new EvalData(data, labels, text, encoder.choices(), calibrationData), eval, calibrationSamples(), norms,
                        calibration == null && context == null ? null : new CompressRequest.LmCalibration(calibration, context),
                        traceSamples != null && traceSamples == 0, oneShot ? CalibrationOrder.ONE_SHOT : CalibrationOrder.SEQUENTIAL),
                new CompressRequest.MemoryWall(positions, hardware), new CompressRequest.Destination(out, force, dryRun, maxShardSize.bytes()));
        if (traceSamples != null && (traceSamples < 0 || (traceSamples > 0 && !request.hessianTraces())
                || (traceSamples == 0 && request.goal().allocation() != AllocationMethod.HESSIAN))) {
            throw new LoupeException("--trace-samples must be >= 0 and goes with --allocate hessian on an ONNX classifier (--data, --labels) "
                    + "or encoder (--text)");
        }
        CompressionReport report = CompressRun.run(request, Backends.best(), quiet.progress(json), request.hessianTraces() ? hessianTraces() : null);
        if (htmlReport != null) {
            CompressReport.write(report, htmlReport);
            spec.commandLine().getErr().println("report: " + htmlReport);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Output.json(report, w);
        } else {
            print(report, w);
        }
        w.flush();
        return 0;
    }

    /** --calibration-samples, or its default: fewer sentences where an encoder's exact Hessian traces are taken over them. */
    int calibrationSamples() {
        return calibrationSamples != null ? calibrationSamples
                : text != null && allocate == AllocationMethod.HESSIAN && (traceSamples == null || traceSamples > 0) ? TEXT_TRACE_SENTENCES : 128;
    }

    /**
     * loupe-landscape's per-tensor Hutchinson traces (exact Hessian-vector products) as loupe hessian reads them: the
     * cross-entropy over --data/--labels, or over --text the self-distillation MSE of the embeddings, in loupe hessian's batches.
     */
    private HessianTraceSource hessianTraces() {
        ModelData d = new ModelData(model, text != null ? new ModelData.Text(text, null, encoder.choices()) : new ModelData.Tensors(data, labels),
                null, note -> { }); // the encoder choice is already among the report's notes
        int samples = traceSamples != null ? traceSamples : text != null ? TEXT_TRACE_VECTORS : 100;
        return (weights, progress) -> PerLayerHessian.traces(d, weights::contains, calibrationSamples(), ModelDataOptions.defaultBatch(text != null),
                        Runtime.getRuntime().availableProcessors(), samples, 1e-3, seed, progress).stream()
                .map(c -> new HessianTrace(c.name(), c.parameters(), c.trace(), c.traceHalfWidth95(), c.traceSamples())).toList();
    }

    private CompressRequest.Goal goal(int[] nmPair) {
        if ((sparsity == null) == (bits == null)) {
            throw new LoupeException("give exactly one of --sparsity S (prune) or --bits B (quantize)");
        }
        if (bits != null) {
            if (blockWise || layerWise || metric != null) {
                throw new LoupeException("--block-wise, --layer-wise and --metric apply to --allocate alpha (pruning)");
            }
            return new CompressRequest.Quantize(bits, method, allocate, group, asymmetric, outliers, embeddings, lowRank, actOrder);
        }
        if (group != null || asymmetric || outliers != 0 || embeddings || lowRank != 0 || actOrder) {
            throw new LoupeException("--group, --asymmetric, --outliers, --lowrank, --embeddings and --act-order are quantization options; "
                    + "drop them or use --bits");
        }
        if (blockWise && layerWise) {
            throw new LoupeException("--block-wise and --layer-wise contradict each other; give one");
        }
        if ((layerWise || metric != null) && allocate != AllocationMethod.ALPHA) {
            throw new LoupeException("--layer-wise and --metric apply to --allocate alpha");
        }
        return new CompressRequest.Prune(sparsity, method, allocate, nmPair[0], nmPair[1], epsilon,
                blockWise ? Boolean.TRUE : layerWise ? Boolean.FALSE : null, metric);
    }

    static int[] parseNm(String s) {
        String[] p = s.split(":");
        try {
            if (p.length == 2) {
                return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new LoupeException("--nm must look like 2:4, got '" + s + "'");
    }

    private static void print(CompressionReport r, PrintWriter out) {
        boolean prune = r.mode() == Mode.PRUNE;
        String metric = r.metricName().isEmpty() ? "-" : r.metricName();
        Table t = new Table("layer", "params", metric, prune ? "target" : "bits",
                prune ? "sparsity" : "zeros", "rel.err");
        for (LayerResult l : r.layers()) {
            t.row(l.node().isEmpty() ? l.name() : l.node(), Table.count(l.params()), Double.isNaN(l.metric()) ? "-"
                            : r.sensitivity().isEmpty() ? Table.num(l.metric(), prune ? 3 : 4) : g4(l.metric()),
                    Table.num(l.target(), prune ? 4 : 0), Double.isNaN(l.sparsity()) ? "-" : Table.num(l.sparsity(), 4),
                    Double.isNaN(l.relativeError()) ? "-" : Table.num(l.relativeError(), 4));
        }
        t.print(out);
        if (!r.sensitivity().isEmpty()) {
            out.println();
            Table h = new Table("layer", "n", "Tr(H) ± 95% CI", "samples", "Tr(H)/n", prune ? "sparsity" : "bits", "‖ΔW‖²", "Ω");
            for (LayerSensitivity s : r.sensitivity()) {
                h.row(s.name(), Table.count(s.params()), g4(s.trace()) + " ± " + g4(s.traceHalfWidth95()),
                        String.valueOf(s.traceSamples()), g4(s.meanTrace()), Table.num(s.value(), prune ? 4 : 0),
                        g4(s.perturbation()), g4(s.omega()));
            }
            h.print(out);
        }
        out.printf(Locale.ROOT, "%s %s, allocation %s: target %s, achieved %.4f over %s parameters in %d layers%n",
                r.mode(), r.method(), r.allocation(), Table.num(r.target(), 4), r.achieved(), Table.count(r.paramsInLayers()),
                r.layers().size());
        if (r.output() != null) {
            out.printf(Locale.ROOT, "wrote %s: %s -> %s (%.1f%%)%n", r.output(), Table.bytes(r.bytesBefore()),
                    Table.bytes(r.bytesAfter()), 100.0 * r.bytesAfter() / r.bytesBefore());
        } else {
            out.printf(Locale.ROOT, "dry run: nothing written; the file would be about %s (%.1f%% of %s)%n", Table.bytes(r.bytesAfter()),
                    100.0 * r.bytesAfter() / r.bytesBefore(), Table.bytes(r.bytesBefore()));
        }
        out.println();
        Table m = new Table("hardware", "GB/s", "TFLOP/s", "bytes before", "bytes after", "FLOP/byte after",
                "us before", "us after", "bound");
        for (CompressionReport.MemoryRow row : r.memory()) {
            m.row(row.profile(), Table.num(row.bandwidthGBps(), 0), Table.num(row.peakTflops(), 2),
                    Table.bytes((long) row.bytesBefore()), Table.bytes((long) row.bytesAfter()),
                    Table.num(row.intensityAfter(), 2), micros(row.secondsBefore()), micros(row.secondsAfter()), row.boundAfter());
        }
        m.print(out);
        if (r.eval() != null) {
            var e = r.eval();
            out.println();
            if (e.kind() == EvalResult.Kind.CLASSIFIER) {
                out.printf(Locale.ROOT, "eval on %d examples: accuracy %.4f -> %.4f, mean cross-entropy %.4f -> %.4f%n",
                        e.n(), e.accuracyBefore(), e.accuracyAfter(), e.lossBefore(), e.lossAfter());
            } else if (e.kind() == EvalResult.Kind.LANGUAGE_MODEL) {
                out.printf(Locale.ROOT, "eval on %d tokens: perplexity %.4f -> %.4f, mean NLL per token %.6f -> %.6f%n",
                        e.n(), Math.exp(e.lossBefore()), Math.exp(e.lossAfter()), e.lossBefore(), e.lossAfter());
            } else {
                out.printf(Locale.ROOT, "eval on %d sentences: mean cosine of compressed vs original embeddings %.6f%n",
                        e.n(), e.meanCosine());
            }
        }
        for (String n : r.notes()) {
            out.println("note: " + n);
        }
    }

    private static String g4(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String micros(double s) {
        return String.format(Locale.ROOT, "%.1f", s * 1e6);
    }
}
