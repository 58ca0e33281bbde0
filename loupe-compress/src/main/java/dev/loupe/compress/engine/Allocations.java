package dev.loupe.compress.engine;

import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.Allocation;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.allocate.BitAllocator;
import dev.loupe.compress.allocate.EsdMetric;
import dev.loupe.compress.allocate.HessianAware;
import dev.loupe.compress.allocate.HessianTrace;
import dev.loupe.compress.allocate.HillAlpha;
import dev.loupe.compress.allocate.LayerShare;
import dev.loupe.compress.allocate.OutlierRatio;
import dev.loupe.compress.allocate.SparsityAllocator;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.prune.Mask;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.quantize.QuantError;
import dev.loupe.compress.result.LayerSensitivity;
import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.DenseBackend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Each layer's share of a compression budget before any kernel runs: the metrics AlphaPruning and OWL rank layers by,
 * per-layer sparsity and bits (uniform, knapsack/greedy over measured error, HAWQ-V2's Hessian-weighted), and the
 * inputs those need (LM error curves block by block, Hessian traces). {@link Compressor} then applies the kernels.
 */
public final class Allocations {
    private Allocations() {
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
            InputGram.Gram g = grams == null ? null : Compressor.gram(l, grams);
            for (int b = o.minBits(); b <= o.maxBits(); b++) {
                float[] q = Compressor.quantize(w, l, Compressor.spec(o, b), o.outliers()).dequantize();
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

    /** Each layer's XᵀX-weighted error curve, in {@code layers}' order, from one block's XᵀX at a time (see {@link SequentialCalibration#eachBlock}). */
    static List<BitAllocator.Curve> lmErrorCurves(CompressRequest r, List<Layer> layers, QuantOptions o, Progress progress) {
        Map<String, BitAllocator.Curve> byName = new HashMap<>();
        SequentialCalibration.eachBlock(r, layers, progress, (block, grams) ->
                errorCurves(block, o, grams).forEach(c -> byName.put(c.name(), c)));
        return layers.stream().map(l -> byName.get(l.name())).toList();
    }

    /** Each compressed layer's loss-Hessian trace from {@code source}, by weight name; what was done goes to {@code notes}. */
    static Map<String, HessianTrace> traces(CompressRequest r, List<Layer> layers, HessianTraceSource source, Progress progress,
                                            List<String> notes) {
        if (source == null) {
            throw new IllegalStateException("--allocate hessian on an ONNX model needs a source of Hessian traces");
        }
        Set<String> names = new LinkedHashSet<>();
        layers.forEach(l -> names.add(l.name()));
        Map<String, HessianTrace> traces = new HashMap<>();
        for (HessianTrace t : source.traces(names, progress)) {
            traces.put(t.name(), t);
        }
        List<String> negative = new ArrayList<>();
        int most = 0;
        for (Layer l : layers) {
            HessianTrace t = traces.get(l.name());
            if (t == null) {
                throw new IllegalStateException("no Hessian trace for layer '" + l.name() + "'");
            }
            most = Math.max(most, t.samples());
            if (t.trace() < 0) {
                negative.add(l.node().isEmpty() ? l.name() : l.node());
            }
        }
        notes.add("HAWQ-V2 (arXiv 1911.03852): Ω = Tr(H)/n · " + (r.prune() ? "‖P_s(W) − W‖² at each sparsity 0, 5 %, …, 95 % (P_s the "
                + (((CompressRequest.Prune) r.goal()).method() == Method.WANDA ? "Wanda mask" : "magnitude mask") + ")"
                : "‖Q_b(W) − W‖² at each width") + ", Tr(H) of each weight's block of the "
                + (r.data().text() != null ? "Hessian of the self-distillation loss (MSE of the pooled embeddings against the model's own; "
                + "Gauss-Newton (2/dim)·JᵀJ)" : "cross-entropy Hessian") + " by Hutchinson (up to " + most
                + " Rademacher vectors per tensor, exact Hessian-vector products, loupe-landscape) over the first " + r.calibration().samples()
                + (r.data().text() != null ? " sentences of " + r.data().text() : " examples of " + r.data().data())
                + "; the knapsack minimizes Σ Ω within the " + (r.prune() ? "kept-weights" : "bits") + " budget");
        if (!negative.isEmpty()) {
            notes.add("negative trace estimates counted as 0 (Ω = 0 at every width): " + String.join(", ", negative));
        }
        return traces;
    }
}
