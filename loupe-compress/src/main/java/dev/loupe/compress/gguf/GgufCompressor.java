package dev.loupe.compress.gguf;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.calibrate.CalibrationOptions;
import dev.loupe.lm.calibrate.CalibrationStats;
import dev.loupe.lm.calibrate.Calibrator;
import dev.loupe.lm.calibrate.LayerInputs;
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
     * {@code second}: every calibrated tensor by GPTQ on its type's grid ({@link GgmlGptq}) or pruned by SparseGPT, from
     * its one-shot XᵀX (null: ggml's quantizers only).
     */
    public record Request(Path model, Path out, GgufFileType type, Path calibration, Integer context, int samples, boolean allocate,
                          SecondOrder second) {
        /** ggml's quantizers only. */
        public Request(Path model, Path out, GgufFileType type, Path calibration, Integer context, int samples, boolean allocate) {
            this(model, out, type, calibration, context, samples, allocate, null);
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
            Map<String, float[]> importance = new LinkedHashMap<>();
            Map<String, double[]> grams = new LinkedHashMap<>();
            long tokens = 0;
            if (r.calibration() != null) {
                try (LanguageModel lm = LanguageModel.open(src)) {
                    int[] ids = lm.tokenize(TextInput.read(r.calibration()));
                    int ctx = new EvalRequest(r.calibration(), Convention.SLIDING_WINDOW, r.context(), null).context(lm);
                    // one-shot XᵀX, every layer's input from the float model (llama.cpp's imatrix is collected the same way)
                    CalibrationStats stats = Calibrator.collect(lm, ids, new CalibrationOptions(ctx, r.samples(), name -> second), progress);
                    tokens = stats.tokens();
                    for (Map.Entry<String, LayerInputs> e : stats.layers().entrySet()) {
                        importance.put(e.getKey(), meanSquares(e.getValue()));
                        if (second) {
                            grams.put(e.getKey(), gram(e.getKey(), e.getValue()));
                        }
                    }
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
                    new GgufOptions(r.type(), overrides, importance, grams, r.second()), progress);
            return new Result(written, importance.size(), tokens, allocation, grams.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is not worth failing the run for
                }
            }
        }
    }

    /** A layer's XᵀX, refused when fewer calibration tokens than inputs leave it singular where the data never went. */
    private static double[] gram(String name, LayerInputs in) {
        if (in.rows() < in.in()) {
            throw new LoupeException("tensor '" + name + "': " + in.rows() + " calibration tokens for its " + in.in()
                    + " inputs are too few to estimate XᵀX; give more calibration text (--calibration-samples)");
        }
        return in.gram();
    }

    /** llama.cpp's imatrix entry: Σ x² / tokens per input column. */
    private static float[] meanSquares(LayerInputs in) {
        double[] s = in.sumSquares();
        float[] w = new float[s.length];
        for (int c = 0; c < s.length; c++) {
            w[c] = (float) (s[c] / in.rows());
        }
        return w;
    }
}
