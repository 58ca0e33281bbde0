package dev.loupe.compress.engine;

import dev.loupe.compress.CalibrationOrder;
import dev.loupe.compress.Method;
import dev.loupe.compress.Mode;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.allocate.EsdMetric;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.safetensors.SafetensorsShards;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Everything {@code loupe compress} was asked to do, as small records: what to do to the weights ({@link Goal}),
 * which layers, with what data, for which memory-wall estimate, and where to write. Each record refuses the
 * values that make no sense on their own, and this one the combinations, before any file is read, with a
 * one-line reason.
 *
 * @param model       input checkpoint
 * @param goal        prune or quantize, and how
 * @param skip        layers left untouched: a regex found in the weight or ONNX node name, or null
 * @param calibration evaluation / calibration data and Wanda norms
 * @param memory      the memory-wall estimate's workload
 * @param destination where to write, or a dry run
 */
public record CompressRequest(Path model, Goal goal, Pattern skip, Data calibration, MemoryWall memory,
                              Destination destination) {
    /** What to do to the weights. */
    public sealed interface Goal permits Prune, Quantize {
        Method method();

        AllocationMethod allocation();

        /** The requested model-wide mean: sparsity or bits. */
        double target();

        default Mode mode() {
            return method().mode();
        }

        /** Whether the run needs each layer's calibration XᵀX: a second-order method, or Hessian-aware bits. */
        default boolean needsGram() {
            return method().needsGram() || allocation() == AllocationMethod.HESSIAN;
        }
    }

    /**
     * A pruning run.
     *
     * @param sparsity   target parameter-weighted mean sparsity S (for N:M exactly 1 − N/M)
     * @param method     magnitude, wanda, nm or sparsegpt
     * @param allocation uniform, alpha or owl
     * @param n          N of N:M (for sparsegpt: 0 unless N:M)
     * @param m          M of N:M (for sparsegpt: 0 for unstructured)
     * @param epsilon    AlphaPruning's ε
     * @param blockWise  AlphaPruning's block-wise metric averaging: true, false (layer-wise), or null for the
     *                   authors' LLM default: block-wise when the layers form transformer blocks
     * @param metric     AlphaPruning's metric (alpha_mid = PL_Alpha_Hill, or alpha_peak)
     */
    public record Prune(double sparsity, Method method, AllocationMethod allocation, int n, int m, double epsilon,
                        Boolean blockWise, EsdMetric metric) implements Goal {
        public Prune {
            method = method == null ? Method.MAGNITUDE : method;
            allocation = allocation == null ? AllocationMethod.UNIFORM : allocation;
            if (!(sparsity >= 0 && sparsity < 1)) {
                throw new LoupeException("--sparsity must be in [0, 1), got " + sparsity);
            }
            if (method.mode() != Mode.PRUNE) {
                throw new LoupeException("--method " + method + " quantizes; pruning takes magnitude, wanda, nm or sparsegpt");
            }
            if (!allocation.appliesTo(Mode.PRUNE)) {
                throw new LoupeException("--allocate " + allocation + " is for --bits; pruning takes uniform, alpha, owl or hessian");
            }
            if (method == Method.NM || (method == Method.SPARSEGPT && m != 0)) {
                if (n < 1 || m <= n) {
                    throw new LoupeException("--nm N:M needs 1 <= N < M, got " + n + ":" + m);
                }
                if (Math.abs(sparsity - (1 - (double) n / m)) > 1e-9) {
                    throw new LoupeException("--method " + method + " --nm " + n + ":" + m + " prunes exactly " + (1 - (double) n / m)
                            + "; --sparsity " + sparsity + " contradicts it");
                }
                if (allocation != AllocationMethod.UNIFORM) {
                    throw new LoupeException("--method " + method + " --nm " + n + ":" + m + " fixes every layer at 1 - N/M; --allocate " + allocation + " cannot vary it");
                }
            }
            metric = metric == null ? EsdMetric.ALPHA_MID : metric;
            if (Boolean.TRUE.equals(blockWise) && allocation != AllocationMethod.ALPHA) {
                throw new LoupeException("--block-wise averages the alpha metric; it needs --allocate alpha");
            }
            if (!(epsilon >= 0 && epsilon <= 1)) {
                throw new LoupeException("--epsilon must be in [0, 1], got " + epsilon);
            }
        }

        /** With AlphaPruning's alpha_mid metric. */
        public Prune(double sparsity, Method method, AllocationMethod allocation, int n, int m, double epsilon, Boolean blockWise) {
            this(sparsity, method, allocation, n, m, epsilon, blockWise, EsdMetric.ALPHA_MID);
        }

        @Override
        public double target() {
            return sparsity;
        }

        /** Whether every layer keeps N of each M consecutive inputs (--method nm, or sparsegpt with --nm). */
        public boolean semiStructured() {
            return method == Method.NM || (method == Method.SPARSEGPT && m != 0);
        }

        /** Whether the run reads input-activation norms (Wanda's scores, OWL's outlier ratios). */
        public boolean needsNorms() {
            return method.needsNorms() || allocation == AllocationMethod.OWL;
        }
    }

    /**
     * A quantization run.
     *
     * @param bits       target parameter-weighted mean bits
     * @param method     rtn
     * @param allocation uniform, knapsack or greedy
     * @param group      group size: null for the format's default, 0 per channel, −1 per tensor
     * @param asymmetric asymmetric codes
     * @param outliers   fraction of weights kept in full precision (dense-and-sparse)
     * @param embeddings also quantize lookup tables (embeddings)
     * @param lowRank    rank of the low-rank quantization-error compensation (0: none)
     * @param actOrder   GPTQ's act-order: input channels by decreasing XᵀX diagonal
     * @param ggmlGrid   the grid of ggml's Q4_0/Q5_0/Q8_0 blocks ({@code QuantSpec#ggmlGrid}: float16 scales, their ranges)
     */
    public record Quantize(double bits, Method method, AllocationMethod allocation, Integer group, boolean asymmetric,
                           double outliers, boolean embeddings, int lowRank, boolean actOrder, boolean ggmlGrid) implements Goal {
        public Quantize {
            method = method == null ? Method.RTN : method;
            allocation = allocation == null ? AllocationMethod.UNIFORM : allocation;
            if (!(bits >= 2 && bits <= 8)) {
                throw new LoupeException("--bits must be in [2, 8], got " + bits);
            }
            if (method.mode() != Mode.QUANTIZE) {
                throw new LoupeException("--method " + method + " is a pruning method; quantization takes rtn or gptq");
            }
            if (!allocation.appliesTo(Mode.QUANTIZE)) {
                throw new LoupeException("--allocate " + allocation + " does not apply to --bits; use uniform, knapsack, greedy or hessian");
            }
            if (allocation == AllocationMethod.UNIFORM && bits != Math.rint(bits)) {
                throw new LoupeException("--allocate uniform needs whole --bits; fractional averages need knapsack, greedy or hessian");
            }
            if (group != null && group < -1) {
                throw new LoupeException("--group must be a size >= 1, 0 (per channel) or -1 (per tensor), got " + group);
            }
            if (lowRank < 0) {
                throw new LoupeException("--lowrank must be >= 0, got " + lowRank);
            }
            if (!(outliers >= 0 && outliers < 0.5)) {
                throw new LoupeException("--outliers must be a fraction in [0, 0.5), got " + outliers);
            }
            if (method == Method.GPTQ && (outliers != 0 || embeddings)) {
                throw new LoupeException("--method gptq quantizes linear layers from their inputs' XᵀX; --outliers and --embeddings are rtn options");
            }
            if (actOrder && method != Method.GPTQ) {
                throw new LoupeException("--act-order is a GPTQ option; add --method gptq");
            }
        }

        /** Scales in float32. */
        public Quantize(double bits, Method method, AllocationMethod allocation, Integer group, boolean asymmetric,
                        double outliers, boolean embeddings, int lowRank, boolean actOrder) {
            this(bits, method, allocation, group, asymmetric, outliers, embeddings, lowRank, actOrder, false);
        }

        /** Without act-order. */
        public Quantize(double bits, Method method, AllocationMethod allocation, Integer group, boolean asymmetric,
                        double outliers, boolean embeddings, int lowRank) {
            this(bits, method, allocation, group, asymmetric, outliers, embeddings, lowRank, false);
        }

        /** Whole-bit uniform quantization of {@code bits}, per channel, symmetric: the common case. */
        public Quantize(int bits) {
            this(bits, Method.RTN, AllocationMethod.UNIFORM, null, false, 0, false, 0, false);
        }

        @Override
        public double target() {
            return bits;
        }
    }

    /**
     * Data for {@code --eval} and calibration.
     *
     * @param data    evaluation / calibration data (never null; may be empty)
     * @param eval    evaluate original and compressed model on {@code data}
     * @param samples examples (or sentences) used to collect Wanda's norms
     * @param norms   JSON file of Wanda input-channel norms (layer name → array), or null
     * @param lm      decoder-LM calibration text and window length, or null (not a language model)
     * @param gramProxy {@code --allocate hessian} on an ONNX model by the calibration XᵀX proxy instead of exact Hessian
     *                  traces ({@code --trace-samples 0}; bits only)
     * @param order     where GPTQ's and SparseGPT's XᵀX come from: through the layers (ONNX) or blocks (LM) already
     *                  compressed, or from one pass through the uncompressed model ({@code --one-shot})
     */
    public record Data(EvalData data, boolean eval, int samples, Path norms, LmCalibration lm, boolean gramProxy,
                       CalibrationOrder order) {
        public static final Data NONE = new Data(null, false, 128, null, null);

        public Data(EvalData data, boolean eval, int samples, Path norms) {
            this(data, eval, samples, norms, null);
        }

        public Data(EvalData data, boolean eval, int samples, Path norms, LmCalibration lm) {
            this(data, eval, samples, norms, lm, false, CalibrationOrder.SEQUENTIAL);
        }

        public Data {
            data = data == null ? new EvalData(null, null, null, null) : data;
            order = order == null ? CalibrationOrder.SEQUENTIAL : order;
            if (eval && !data.present()) {
                throw new LoupeException("--eval needs data: --data X --labels Y (classifier) or --text FILE (encoder)");
            }
            if (samples < 1) {
                throw new LoupeException("--calibration-samples must be >= 1, got " + samples);
            }
        }
    }

    /**
     * Calibration of a decoder LM (loupe-lm): {@code samples} windows of {@code context} tokens of {@code text},
     * separate from the --text the perplexity is evaluated on.
     *
     * @param text    calibration text (read whole), or null
     * @param context tokens per window, or null for the default (512 or the model's positions if fewer)
     */
    public record LmCalibration(Path text, Integer context) {
    }

    /**
     * The memory-wall (roofline) estimate's workload.
     *
     * @param positions tokens or samples per inference
     * @param hardware  JSON file of extra hardware profiles, or null
     */
    public record MemoryWall(long positions, Path hardware) {
        public static final MemoryWall DEFAULT = new MemoryWall(1, null);

        public MemoryWall {
            if (positions < 1) {
                throw new LoupeException("--positions must be >= 1, got " + positions);
            }
        }
    }

    /**
     * Where the compressed model goes.
     *
     * @param out    output file (null only for a dry run)
     * @param force  allow {@code out} to be the input (still written atomically)
     * @param dryRun allocate and report, write nothing
     * @param maxShardBytes the largest shard when {@code out} is a shard index ({@code NAME.safetensors.index.json})
     */
    public record Destination(Path out, boolean force, boolean dryRun, long maxShardBytes) {
        public Destination(Path out, boolean force, boolean dryRun) {
            this(out, force, dryRun, SafetensorsShards.DEFAULT_MAX_SHARD_BYTES);
        }

        public Destination {
            if (maxShardBytes < 1) {
                throw new LoupeException("--max-shard-size must be positive, got " + maxShardBytes);
            }
            if (dryRun && out != null) {
                throw new LoupeException("--dry-run writes nothing; drop --out (or --dry-run)");
            }
            if (!dryRun && out == null) {
                throw new LoupeException("say where to write: --out FILE (or --dry-run to see the allocation only)");
            }
        }

        /** Write to {@code out}, never over the input. */
        public static Destination file(Path out) {
            return new Destination(out, false, false);
        }
    }

    public CompressRequest {
        calibration = calibration == null ? Data.NONE : calibration;
        memory = memory == null ? MemoryWall.DEFAULT : memory;
        boolean onnxModel = model.getFileName().toString().endsWith(".onnx");
        EvalData data = calibration.data();
        boolean usesNorms = goal instanceof Prune p && p.needsNorms();
        boolean lm = LanguageModelRun.applies(model);
        boolean lmCalibration = calibration.lm() != null && calibration.lm().text() != null;
        if (goal.needsGram() && !(data.calibrates() && onnxModel) && !(lm && lmCalibration)) {
            throw new LoupeException(goal.method().needsGram() ? "--method " + goal.method() + " needs each layer's XᵀX: calibration data on an ONNX model "
                    + "(--data X or --text FILE) or --calibration TEXT on a language model"
                    : "--allocate hessian needs data: --data X --labels Y on an ONNX classifier or --text FILE on an ONNX encoder "
                    + "(HAWQ-V2's Hessian traces), or --calibration TEXT on a language model (the XᵀX proxy)");
        }
        if (goal.allocation() == AllocationMethod.HESSIAN && onnxModel && data.data() != null && data.labels() == null) {
            throw new LoupeException(data.data(), "--allocate hessian on an ONNX classifier traces the Hessian of the cross-entropy "
                    + "on these examples (HAWQ-V2): add --labels");
        }
        if (goal instanceof Prune && goal.allocation() == AllocationMethod.HESSIAN && !hessianTraces(goal, model, calibration)) {
            throw new LoupeException("--allocate hessian with --sparsity weighs each layer's pruning error by its loss-Hessian trace: "
                    + "it needs an ONNX classifier with --data X --labels Y or an ONNX encoder with --text FILE (there is no XᵀX form for sparsity)");
        }
        if (lmCalibration && !lm) {
            throw new LoupeException(model, "--calibration is calibration text for a decoder language model (a Hugging Face folder)");
        }
        if (usesNorms && calibration.norms() == null && !(data.calibrates() && onnxModel) && !lmCalibration) {
            throw new LoupeException((goal.allocation() == AllocationMethod.OWL ? "--allocate owl" : "--method wanda")
                    + " needs input-activation norms: calibration data on an ONNX model (--data X or --text FILE), "
                    + "--calibration TEXT on a language model, or --norms FILE.json");
        }
        if (!usesNorms && calibration.norms() != null) {
            throw new LoupeException("--norms is only used by --method wanda and --allocate owl");
        }
        if (calibration.eval() && !onnxModel && !lm) {
            throw new LoupeException("--eval runs the model in ONNX Runtime or, for a decoder language model folder, in loupe-lm; "
                    + "it needs an .onnx model or a Hugging Face LM folder");
        }
        if (calibration.eval() && destination.dryRun()) {
            throw new LoupeException("--eval evaluates the written model; drop --dry-run");
        }
        if (data.calibration() != null && (!onnxModel || !(usesNorms || goal.needsGram()))) {
            throw new LoupeException(data.calibration(), "--calibration-data calibrates an ONNX classifier for --method wanda|sparsegpt|gptq, "
                    + "--allocate owl or the XᵀX proxy of --allocate hessian; this run reads no calibration");
        }
        if (data.calibration() != null && data.data() != null && !calibration.eval()) {
            throw new LoupeException(data.data(), "with --calibration-data, --data is only read by --eval; add --eval or drop --data");
        }
        if (data.calibration() != null && hessianTraces(goal, model, calibration)) {
            throw new LoupeException(data.calibration(), "--allocate hessian traces the cross-entropy Hessian over --data and --labels; "
                    + "--calibration-data (features without labels) cannot replace them");
        }
        if (data.present() && !calibration.eval() && !(usesNorms && !lmCalibration) && !goal.needsGram()) {
            throw new LoupeException("--data/--text are used by --eval, --method wanda|sparsegpt|gptq or --allocate owl|hessian; add one of them");
        }
        if (!Files.exists(model)) {
            throw new LoupeException(model, "no such file or directory");
        }
        Path out = destination.out();
        if (out != null) {
            String o = out.getFileName().toString();
            if (onnxModel ? !o.endsWith(".onnx") : !o.endsWith(".safetensors") && !SafetensorsShards.isIndex(out)) {
                throw new LoupeException(out, "the output must be " + (onnxModel ? ".onnx (the input is ONNX)"
                        : ".safetensors (or NAME.safetensors.index.json for Hugging Face shards)"));
            }
            if (SafetensorsShards.isIndex(out) && sameFile(model, out)) {
                throw new LoupeException(out, "a sharded output cannot replace its input (its shards are being read); pick another --out");
            }
            if (!destination.force() && sameFile(model, out)) {
                throw new LoupeException(out, "output would overwrite the input; pick another --out or add --force");
            }
        }
    }

    /**
     * Whether {@code --allocate hessian} reads each layer's exact loss-Hessian trace (HAWQ-V2 proper): an ONNX
     * classifier with --data and --labels (cross-entropy) or an ONNX sentence encoder with --text (the self-distillation
     * MSE of its embeddings), unless {@link Data#gramProxy()} asks for the XᵀX proxy. A language model reads the proxy.
     */
    public boolean hessianTraces() {
        return hessianTraces(goal, model, calibration);
    }

    private static boolean hessianTraces(Goal goal, Path model, Data calibration) {
        return goal.allocation() == AllocationMethod.HESSIAN && model.getFileName().toString().endsWith(".onnx") && !calibration.gramProxy()
                && (calibration.data().data() != null || calibration.data().text() != null);
    }

    /** Whether the run needs each layer's calibration XᵀX: a second-order method, or Hessian-aware bits by the proxy. */
    public boolean needsGram() {
        return goal.method().needsGram() || (goal.allocation() == AllocationMethod.HESSIAN && !hessianTraces());
    }

    public boolean prune() {
        return goal.mode() == Mode.PRUNE;
    }

    public Path out() {
        return destination.out();
    }

    public boolean dryRun() {
        return destination.dryRun();
    }

    public EvalData data() {
        return calibration.data();
    }

    static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (java.io.IOException e) {
            throw new LoupeException(b, "cannot check output path: " + e.getMessage(), e);
        }
    }
}
