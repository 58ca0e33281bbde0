package dev.loupe.compress.engine;

import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.allocate.BitAllocator;
import dev.loupe.compress.allocate.HessianAware;
import dev.loupe.compress.allocate.HessianTrace;
import dev.loupe.compress.allocate.EsdMetric;
import dev.loupe.compress.allocate.HillAlpha;
import dev.loupe.compress.allocate.LayerShare;
import dev.loupe.compress.allocate.OutlierRatio;
import dev.loupe.compress.allocate.SparsityAllocator;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.gptq.Gptq;
import dev.loupe.compress.gptq.GptqSpec;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.sparsegpt.SparseGpt;
import dev.loupe.compress.sparsegpt.SparseGptSpec;
import dev.loupe.compress.prune.Mask;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.prune.SemiStructured;
import dev.loupe.compress.quantize.LowRankCompensation;
import dev.loupe.compress.quantize.Outliers;
import dev.loupe.compress.quantize.QuantError;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.compress.result.LayerSensitivity;
import dev.loupe.compress.write.LayerEdit;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.DenseBackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One compression run over a list of layers: allocate, then apply the kernel to each layer. Layers are
 * decoded one at a time; the edits hold the new values of every layer (fine for models that fit in memory
 * as float arrays, which is what the writers need anyway).
 */
public final class Compressor {
    /** The edits to write and what they did. */
    public record Outcome(Allocation allocation, List<LayerEdit> edits, List<LayerResult> layers) {
    }

    private Compressor() {
    }

    /** PL_Alpha_Hill of every layer (AlphaPruning's metric), by layer name. */
    public static Map<String, Double> hillAlphas(List<Layer> layers, DenseBackend backend) {
        return hillAlphas(layers, backend, EsdMetric.ALPHA_MID);
    }

    /** AlphaPruning's {@code metric} of every layer, by layer name. */
    public static Map<String, Double> hillAlphas(List<Layer> layers, DenseBackend backend, EsdMetric metric) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            out.put(l.name(), HillAlpha.of(backend, l.outIn(), l.rows(), l.cols(), metric));
        }
        return out;
    }

    /** OWL's outlier ratio of every layer, from Wanda's input norms. */
    public static Map<String, Double> outlierRatios(List<Layer> layers, Map<String, double[]> norms) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            double[] n = norms.get(l.name());
            if (n == null || n.length != l.cols()) {
                throw new LoupeException("OWL needs " + l.cols() + " input norms for layer '" + l.name() + "'");
            }
            out.put(l.name(), OutlierRatio.of(l.outIn(), l.rows(), l.cols(), n, OutlierRatio.DEFAULT_M));
        }
        return out;
    }

    /** Per-layer sparsities. {@code metrics} (layer name → metric) is needed for ALPHA (PL_Alpha_Hill) and OWL (outlier ratio). */
    public static Allocation allocateSparsity(List<Layer> layers, CompressRequest.Prune o, Map<String, Double> metrics) {
        List<SparsityAllocator.Layer> in = new ArrayList<>();
        for (Layer l : layers) {
            Double m = metrics == null ? null : metrics.get(l.name());
            in.add(new SparsityAllocator.Layer(l.name(), l.params(), m == null ? Double.NaN : m));
        }
        double s = o.semiStructured() ? 1 - (double) o.n() / o.m() : o.sparsity();
        return switch (o.allocation()) {
            case UNIFORM -> SparsityAllocator.uniform(in, s);
            case ALPHA -> {
                Map<String, String> blocks = new java.util.HashMap<>();
                for (Layer l : layers) {
                    blocks.put(l.name(), Blocks.of(l));
                }
                yield SparsityAllocator.alpha(in, s, o.epsilon(), SparsityAllocator.DEFAULT_MAX_SPARSITY,
                        blockWise(o, layers, blocks) ? blocks::get : null);
            }
            case OWL -> {
                // OWL's additive range [S - λ, S + λ] is AlphaPruning's [S(1 - ε), S(1 + ε)] with ε = λ/S; the metric is
                // minus the outlier ratio, so that more outliers mean less pruning
                List<SparsityAllocator.Layer> neg = in.stream()
                        .map(l -> new SparsityAllocator.Layer(l.name(), l.params(), -l.metric())).toList();
                Allocation a = SparsityAllocator.alpha(neg, s, s == 0 ? 0 : Math.min(1, OutlierRatio.DEFAULT_LAMBDA / s),
                        SparsityAllocator.DEFAULT_MAX_SPARSITY, null);
                yield new Allocation(AllocationMethod.OWL, a.target(), a.layers().stream()
                        .map(l -> new LayerShare(l.name(), l.params(), -l.metric(), l.value())).toList());
            }
            case KNAPSACK, GREEDY -> throw new IllegalArgumentException(o.allocation() + " allocates bits, not sparsity");
            case HESSIAN -> throw new IllegalArgumentException("Hessian-aware sparsities need traces: hessianSparsity");
        };
    }

    /**
     * Block-wise as asked, or by default when the layers form transformer blocks (at least two blocks, every layer
     * in one): the AlphaPruning LLM script's default mapping ({@code --mapping_type block_wise}).
     */
    static boolean blockWise(CompressRequest.Prune o, List<Layer> layers, Map<String, String> blocks) {
        if (o.blockWise() != null) {
            return o.blockWise();
        }
        java.util.Set<String> distinct = new java.util.HashSet<>(blocks.values());
        return distinct.size() >= 2 && distinct.stream().allMatch(b -> b.startsWith("block "));
    }

    /** Prunes every layer to its allocated sparsity; {@code norms} are the input-channel norms (layer name → one per input channel) Wanda scores with. */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms) {
        return prune(layers, a, o, norms, Map.of());
    }

    /** As above; SparseGPT prunes each layer from its calibration XᵀX in {@code grams} (layer name → XᵀX). */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms,
                                Map<String, InputGram.Gram> grams) {
        return prune(layers, a, o, norms, grams, Progress.NONE);
    }

    /** As above, reporting each layer done to {@code progress}. */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms,
                                Map<String, InputGram.Gram> grams, Progress progress) {
        List<LayerEdit> edits = new ArrayList<>();
        Outcome out = prune(layers, a, o, norms, grams, progress, edits::add);
        return new Outcome(a, edits, out.layers());
    }

    /**
     * As above, handing each layer's edit to {@code sink} as soon as it is made and keeping none (the outcome's edits
     * are empty): a streamed writer then holds one layer at a time, whatever the model's size.
     */
    public static Outcome prune(List<Layer> layers, Allocation a, CompressRequest.Prune o, Map<String, double[]> norms,
                                Map<String, InputGram.Gram> grams, Progress progress, Consumer<LayerEdit> sink) {
        List<LayerResult> results = new ArrayList<>();
        progress.start("pruning " + layers.size() + " layers (" + o.method().name().toLowerCase(java.util.Locale.ROOT) + ")", layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerShare share = a.layers().get(i);
            float[] w = l.outIn();
            double[] layerNorms = norms.get(l.name());
            if (o.method() == Method.WANDA && layerNorms == null) {
                throw new LoupeException("Wanda needs input-activation norms for layer '" + l.name() + "'");
            }
            if (layerNorms != null && layerNorms.length != l.cols()) {
                throw new LoupeException("layer '" + l.name() + "' has " + l.cols() + " input channels but " + layerNorms.length + " norms");
            }
            float[] pruned;
            if (o.method() == Method.SPARSEGPT) {
                SparseGptSpec spec = o.semiStructured() ? SparseGptSpec.semiStructured(o.n(), o.m())
                        : SparseGptSpec.unstructured(share.value());
                pruned = SparseGpt.prune(w, l.rows(), l.cols(), inverseHessian(l, grams, spec.dampening(), false), spec).weights();
            } else {
                float[] scores = layerNorms == null ? Pruners.magnitudeScores(w) : Pruners.wandaScores(w, l.rows(), l.cols(), layerNorms);
                Mask mask = switch (o.method()) {
                    case MAGNITUDE -> Pruners.prune(scores, l.rows(), l.cols(), share.value(), Pruners.Scope.LAYER);
                    case WANDA -> Pruners.prune(scores, l.rows(), l.cols(), share.value(), Pruners.Scope.ROW);
                    case NM -> SemiStructured.prune(scores, l.rows(), l.cols(), o.n(), o.m());
                    case SPARSEGPT, RTN, GPTQ -> throw new IllegalArgumentException(o.method() + " is not a score pruner");
                };
                pruned = mask.apply(w);
            }
            results.add(new LayerResult(l.name(), l.node(), l.params(), share.metric(), share.value(), zeros(pruned),
                    8.0 * l.tensor().dtype().elementBytes(), relative(w, pruned)));
            sink.accept(new LayerEdit.Dense(l, pruned));
            progress.advance(1);
        }
        progress.done();
        return new Outcome(a, List.of(), results);
    }

    /** Per-layer bits: uniform, or knapsack/greedy over each layer's measured squared error at minBits..maxBits. */
    public static Allocation allocateBits(List<Layer> layers, QuantOptions o) {
        return allocateBits(layers, o, Map.of());
    }

    /**
     * As above; {@code hessian} weighs each width's perturbation by the layer's calibration XᵀX in {@code grams}
     * ({@link HessianAware#outputError}) and solves the same knapsack.
     */
    public static Allocation allocateBits(List<Layer> layers, QuantOptions o, Map<String, InputGram.Gram> grams) {
        if (o.allocation() == AllocationMethod.UNIFORM) {
            int bits = (int) Math.round(o.averageBits());
            if (bits != o.averageBits()) {
                throw new LoupeException("uniform allocation needs whole bits, got " + o.averageBits());
            }
            return new Allocation(AllocationMethod.UNIFORM, bits, layers.stream()
                    .map(l -> new LayerShare(l.name(), l.params(), Double.NaN, bits)).toList());
        }
        return allocateBits(o, errorCurves(layers, o, o.allocation() == AllocationMethod.HESSIAN ? grams : null));
    }

    /** Knapsack/greedy bits from each layer's error at every width ({@link #errorCurves}), in the layers' order. */
    static Allocation allocateBits(QuantOptions o, List<BitAllocator.Curve> curves) {
        return switch (o.allocation()) {
            case KNAPSACK -> BitAllocator.knapsack(curves, o.averageBits());
            case HESSIAN -> {
                Allocation k = BitAllocator.knapsack(curves, o.averageBits());
                yield new Allocation(AllocationMethod.HESSIAN, k.target(), k.layers());
            }
            case GREEDY -> BitAllocator.greedy(curves, o.averageBits());
            case UNIFORM, ALPHA, OWL -> throw new IllegalArgumentException(o.allocation() + " does not allocate bits from error curves");
        };
    }

    /** Each layer's error at every width: ‖Q_b(W) − W‖², or with {@code grams} the XᵀX output error. */
    static List<BitAllocator.Curve> errorCurves(List<Layer> layers, QuantOptions o, Map<String, InputGram.Gram> grams) {
        List<BitAllocator.Curve> curves = new ArrayList<>();
        for (Layer l : layers) {
            float[] w = l.outIn();
            TreeMap<Integer, Double> err = new TreeMap<>();
            InputGram.Gram g = grams == null ? null : gram(l, grams);
            for (int b = o.minBits(); b <= o.maxBits(); b++) {
                float[] q = quantize(w, l, spec(o, b), o.outliers()).dequantize();
                err.put(b, g == null ? QuantError.squared(w, q) : HessianAware.outputError(w, q, l.rows(), l.cols(), g.xtx(), g.rows()));
            }
            curves.add(new BitAllocator.Curve(l.name(), l.params(), err));
        }
        return curves;
    }

    /** An allocation with each layer's HAWQ-V2 terms at its choice. */
    public record HessianAllocation(Allocation allocation, List<LayerSensitivity> sensitivity) {
    }

    /**
     * HAWQ-V2's bits (arXiv 1911.03852): Ω_i(b) = Tr(H_i)/n_i · ‖Q_b(W_i) − W_i‖² from each layer's exact Hessian trace
     * ({@code traces}, by weight name) and its quantization error at each width, the knapsack over Σ Ω_i
     * ({@link HessianAware#bits}).
     */
    public static HessianAllocation hessianBits(List<Layer> layers, QuantOptions o, Map<String, HessianTrace> traces) {
        List<BitAllocator.Curve> curves = errorCurves(layers, o, null);
        Allocation a = HessianAware.bits(curves, traces, o.averageBits());
        List<LayerSensitivity> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerShare s = a.layers().get(i);
            rows.add(sensitivity(traces.get(s.name()), s, curves.get(i).errorByBits().get((int) s.value())));
        }
        return new HessianAllocation(a, rows);
    }

    /**
     * The sparsity analogue of {@link #hessianBits}: Ω_i(s) = Tr(H_i)/n_i · ‖P_s(W_i) − W_i‖² at s = 0, 5 %, …, 95 %, P_s
     * the run's own mask (magnitude per layer, Wanda's per row from {@code norms}; SparseGPT's update depends on the
     * mask, so its perturbation is taken as magnitude pruning's), the knapsack over Σ Ω_i ({@link HessianAware#sparsity}).
     */
    public static HessianAllocation hessianSparsity(List<Layer> layers, CompressRequest.Prune o, Map<String, double[]> norms,
                                                    Map<String, HessianTrace> traces) {
        if (o.sparsity() > HessianAware.MAX_SPARSITY) {
            throw new LoupeException("--allocate hessian chooses each layer's sparsity from 0 to " + HessianAware.MAX_SPARSITY
                    + " in steps of " + 1.0 / HessianAware.SPARSITY_STEPS + "; --sparsity " + o.sparsity() + " is above that");
        }
        List<HessianAware.PruneCurve> curves = new ArrayList<>();
        for (Layer l : layers) {
            float[] w = l.outIn();
            boolean wanda = o.method() == Method.WANDA;
            float[] scores = wanda ? Pruners.wandaScores(w, l.rows(), l.cols(), norms.get(l.name())) : Pruners.magnitudeScores(w);
            double[] p = new double[HessianAware.SPARSITY_STEPS];
            for (int k = 1; k < p.length; k++) {
                Mask m = Pruners.prune(scores, l.rows(), l.cols(), k / (double) HessianAware.SPARSITY_STEPS,
                        wanda ? Pruners.Scope.ROW : Pruners.Scope.LAYER);
                p[k] = QuantError.squared(w, m.apply(w));
            }
            curves.add(new HessianAware.PruneCurve(l.name(), l.params(), p));
        }
        Allocation a = HessianAware.sparsity(curves, traces, o.sparsity());
        List<LayerSensitivity> rows = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerShare s = a.layers().get(i);
            rows.add(sensitivity(traces.get(s.name()), s,
                    curves.get(i).perturbation()[(int) Math.round(s.value() * HessianAware.SPARSITY_STEPS)]));
        }
        return new HessianAllocation(a, rows);
    }

    private static LayerSensitivity sensitivity(HessianTrace t, LayerShare s, double perturbation) {
        return new LayerSensitivity(s.name(), s.params(), t.trace(), t.traceHalfWidth95(), t.samples(), Math.max(0, t.meanTrace()),
                s.value(), perturbation, s.metric());
    }

    /** Quantizes every layer at its allocated bits. */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o) {
        return quantize(layers, a, o, Map.of());
    }

    /** As above; with {@code o.gptq()} each layer is quantized by GPTQ from its calibration XᵀX in {@code grams}. */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o, Map<String, InputGram.Gram> grams) {
        return quantize(layers, a, o, grams, Progress.NONE);
    }

    /** As above, reporting each layer done to {@code progress}. */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o, Map<String, InputGram.Gram> grams,
                                   Progress progress) {
        List<LayerEdit> edits = new ArrayList<>();
        Outcome out = quantize(layers, a, o, grams, progress, edits::add);
        return new Outcome(a, edits, out.layers());
    }

    /** As above, handing each layer's edit to {@code sink} as soon as it is made and keeping none (see {@link #prune}). */
    public static Outcome quantize(List<Layer> layers, Allocation a, QuantOptions o, Map<String, InputGram.Gram> grams,
                                   Progress progress, Consumer<LayerEdit> sink) {
        List<LayerResult> results = new ArrayList<>();
        progress.start("quantizing " + layers.size() + " layers" + (o.gptq() != null ? " (gptq)" : ""), layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            LayerShare share = a.layers().get(i);
            float[] w = l.outIn();
            QuantSpec spec = spec(o, (int) share.value());
            QuantizedMatrix q = o.gptq() == null ? quantize(w, l, spec, o.outliers())
                    : Gptq.quantize(w, l.rows(), l.cols(), inverseHessian(l, grams, o.gptq().dampening(), o.gptq().actOrder()),
                    new GptqSpec(spec, o.gptq().actOrder(), o.gptq().blockSize(), o.gptq().dampening())).matrix();
            LowRankCompensation.Factors f = o.lowRank() > 0
                    ? LowRankCompensation.of(w, q.dequantize(), l.rows(), l.cols(), Math.min(o.lowRank(), Math.min(l.rows(), l.cols())))
                    : null;
            LayerEdit.Quantized e = new LayerEdit.Quantized(l, q, f);
            float[] d = e.reconstructed();
            results.add(new LayerResult(l.name(), l.node(), l.params(), share.metric(), share.value(), zeros(d), share.value(),
                    relative(w, d)));
            sink.accept(e);
            progress.advance(1);
        }
        progress.done();
        return new Outcome(a, List.of(), results);
    }

    /**
     * The inverse-Hessian factor of a layer from its calibration XᵀX. What a singular XᵀX means decides what is done:
     * fewer calibration rows than inputs leave it singular in directions the data never visited, where the OBS update
     * fits noise: refused. Inputs that are 0 on every calibration row ("dead": a border pixel, a never-firing unit)
     * are handled as the references do, their weights set to 0 (they contribute nothing on such data), and collinear
     * inputs by the 1 % dampening. A layer whose inputs are all dead would be zeroed whole: refused.
     */
    private static InverseHessian inverseHessian(Layer l, Map<String, InputGram.Gram> grams, double dampening, boolean actOrder) {
        InputGram.Gram g = gram(l, grams);
        int n = l.cols();
        boolean alive = false;
        for (int c = 0; c < n && !alive; c++) {
            alive = g.xtx()[c * n + c] != 0;
        }
        if (!alive) {
            throw new LoupeException("layer '" + l.name() + "': all " + n + " of its inputs are 0 on every calibration row"
                    + " (XᵀX = 0), so GPTQ/SparseGPT would zero it; calibrate with data that reaches it");
        }
        try {
            return InverseHessian.of(g.xtx(), l.cols(), dampening, actOrder);
        } catch (LoupeException e) {
            throw new LoupeException("layer '" + l.name() + "': " + e.getMessage());
        }
    }

    /** The layer's XᵀX, refused when it has fewer calibration rows than inputs (see {@link #inverseHessian}). */
    private static InputGram.Gram gram(Layer l, Map<String, InputGram.Gram> grams) {
        InputGram.Gram g = grams.get(l.name());
        if (g == null || g.n() != l.cols()) {
            throw new IllegalArgumentException("no XᵀX of " + l.cols() + " inputs for layer '" + l.name() + "'");
        }
        if (g.rows() < l.cols()) {
            throw new LoupeException("layer '" + l.name() + "': " + g.rows() + " calibration rows for its " + l.cols()
                    + " inputs are too few to estimate XᵀX; give more calibration data (--calibration-samples)");
        }
        return g;
    }

    private static QuantSpec spec(QuantOptions o, int bits) {
        return new QuantSpec(bits, o.symmetric(), o.groupSize(), o.ggmlGrid());
    }

    private static QuantizedMatrix quantize(float[] w, Layer l, QuantSpec spec, double outliers) {
        return outliers > 0 ? Outliers.quantize(w, l.rows(), l.cols(), spec, outliers)
                : RoundToNearest.quantize(w, l.rows(), l.cols(), spec);
    }

    private static double zeros(float[] w) {
        long z = 0;
        for (float v : w) {
            if (v == 0) {
                z++;
            }
        }
        return w.length == 0 ? 0 : (double) z / w.length;
    }

    private static double relative(float[] w, float[] approx) {
        double norm = QuantError.squared(w, new float[w.length]);
        return norm == 0 ? 0 : Math.sqrt(QuantError.squared(w, approx) / norm);
    }
}
