package dev.loupe.compress.gguf;

import dev.loupe.compress.CalibrationOrder;
import dev.loupe.core.LoupeException;
import dev.loupe.core.io.Scratch;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.calibrate.CalibrationOptions;
import dev.loupe.lm.calibrate.CalibrationStats;
import dev.loupe.lm.calibrate.Calibrator;
import dev.loupe.lm.calibrate.BlockInputs;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.EvalRequest;
import dev.loupe.lm.perplexity.TextInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code loupe compress MODEL --out x.gguf}: a Hugging Face decoder folder or a GGUF file written as a GGUF of
 * {@code type}, optionally with importances from calibration text (llama.cpp's imatrix: the mean squared input of
 * every linear layer, from Loupe's own forward pass) and optionally with Loupe's allocated per-tensor types
 * ({@link GgufAllocator}) at the bytes of llama.cpp's recipe. A Hugging Face folder first becomes an F32 GGUF in a
 * temporary file (the same values {@link HfToGguf} quantizes), so calibration, allocation and writing all see the
 * tensors by their GGUF names and in GGUF's row order.
 */
public final class GgufCompressor {
    /** File types whose blocks store 0 exactly (ggml's Q8_0: q = roundf(0 / d) = 0), so a pruned weight stays pruned. */
    private static final Set<GgufFileType> ZERO_EXACT = EnumSet.of(GgufFileType.F16, GgufFileType.BF16,
            GgufFileType.F32, GgufFileType.Q8_0);

    /**
     * What to do. {@code calibration} null: no importances; {@code allocate}: Loupe's knapsack instead of the recipe;
     * {@code second}: every decoder-block tensor by GPTQ on its type's grid ({@link GgmlGptq}) or pruned by SparseGPT,
     * from its XᵀX taken block by block in {@code order} (null: ggml's quantizers only).
     */
    public record Request(Path model, Path out, GgufFileType type, Path calibration, Integer context, int samples, boolean allocate,
                          SecondOrder second, CalibrationOrder order) {
        /** ggml's quantizers only. */
        public Request(Path model, Path out, GgufFileType type, Path calibration, Integer context, int samples, boolean allocate) {
            this(model, out, type, calibration, context, samples, allocate, null);
        }

        /** {@code second} in the papers' sequential order. */
        public Request(Path model, Path out, GgufFileType type, Path calibration, Integer context, int samples, boolean allocate,
                       SecondOrder second) {
            this(model, out, type, calibration, context, samples, allocate, second, CalibrationOrder.SEQUENTIAL);
        }
    }

    /** What was written, the importances' layer count, the allocation if one was made, and how many tensors GPTQ/SparseGPT wrote. */
    public record Result(HfToGguf.Result written, int importanceLayers, long calibrationTokens, GgufAllocator.Result allocation,
                         int secondOrderTensors) {
    }

    private GgufCompressor() {
    }

    public static Result run(Request r, Progress progress) {
        if (r.allocate() && r.calibration() == null) {
            throw new LoupeException("GGUF allocation needs --calibration TEXT (its error weights are the calibration's mean squared inputs)");
        }
        boolean second = r.second() != null;
        if (second && r.calibration() == null) {
            throw new LoupeException("--method " + (r.second() instanceof SecondOrder.Gptq ? "gptq" : "sparsegpt")
                    + " needs --calibration TEXT (each layer's XᵀX comes from it)");
        }
        if (r.second() instanceof SecondOrder.SparseGpt && (r.allocate() || !ZERO_EXACT.contains(r.type()))) {
            throw new LoupeException("SparseGPT's zeros survive only in --gguf-type F16, BF16, F32 or Q8_0 (the K-quants' "
                    + "mins move them), without --allocate; got " + r.type() + (r.allocate() ? " with --allocate" : ""));
        }
        boolean gguf = r.model().toString().endsWith(".gguf");
        Path tmp = null;
        try {
            Path src = r.model();
            if (!gguf) {
                tmp = Files.createTempFile(r.out().toAbsolutePath().getParent(), ".loupe-f32-", ".gguf");
                HfToGguf.convert(r.model(), tmp, GgufFileType.F32, Progress.NONE);
                src = tmp;
            }
            if (r.calibration() == null) {
                return write(r, src, null, null, progress);
            }
            try (LanguageModel lm = LanguageModel.open(src)) {
                return write(r, src, lm, lm.tokenize(TextInput.read(r.calibration())), progress);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            Scratch.deleteQuietly(tmp);
        }
    }

    /**
     * Calibrates on {@code ids} (null: none) and writes. Importances (imatrix) come from one pass through the float
     * model, as llama.cpp's imatrix is collected; with a second-order method each decoder-block tensor's XᵀX and
     * importances instead come block by block as the writer reaches the tensor ({@link BlockInputs}), through the
     * blocks before it as written (the papers' order, {@link CalibrationOrder#SEQUENTIAL}) or as they were, so one
     * block's XᵀX is held, never the model's (~60 GB at 7B). Allocation needs every tensor's importances before
     * writing: those come from a first pass of norms only.
     */
    private static Result write(Request r, Path src, LanguageModel lm, int[] ids, Progress progress) {
        Map<String, float[]> importance = new LinkedHashMap<>();
        long tokens = 0;
        BlockInputs blocks = null;
        int linears = 0;
        if (lm != null) {
            int ctx = new EvalRequest(r.calibration(), Convention.SLIDING_WINDOW, r.context(), null).context(lm);
            if (r.second() == null || r.allocate()) {
                CalibrationStats stats = Calibrator.collect(lm, ids, CalibrationOptions.normsOnly(ctx, r.samples()), progress);
                tokens = stats.tokens();
                stats.layers().forEach((name, in) -> importance.put(name, in.meanSquares()));
            }
            if (r.second() != null) {
                blocks = BlockInputs.start(lm, ids, new CalibrationOptions(ctx, r.samples(), name -> true),
                        r.order() == CalibrationOrder.SEQUENTIAL);
                tokens = (long) blocks.sequence().windows() * blocks.sequence().context();
                linears = lm.weights().blocks().stream().mapToInt(b -> b.linears().size()).sum();
            }
        }
        GgufAllocator.Result allocation = null;
        Map<String, dev.loupe.core.tensor.DType> overrides = Map.of();
        if (r.allocate()) {
            try (GgufCheckpoint cp = new GgufReader().open(src)) {
                String arch = cp.ggufMetadata().string("general.architecture").orElse("");
                int layers = cp.ggufMetadata().integer(arch + ".block_count").orElse(0L).intValue();
                List<Tensor> tensors = cp.tensors();
                boolean tied = tensors.stream().noneMatch(t -> t.name().equals("output.weight"));
                allocation = GgufAllocator.allocate(tensors, r.type(), importance, layers, tied);
                overrides = allocation.types();
            }
        }
        HfToGguf.Result written = GgufRequantizer.requantize(src, r.out(),
                new GgufOptions(r.type(), overrides, importance, blocks, r.second()), progress);
        return new Result(written, Math.max(importance.size(), linears), tokens, allocation, linears);
    }
}
