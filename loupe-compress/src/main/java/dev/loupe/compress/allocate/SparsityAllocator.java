package dev.loupe.compress.allocate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-layer sparsities whose parameter-weighted mean is the target S.
 *
 * <p>{@link #alpha} is AlphaPruning's allocation (Lu et al., NeurIPS 2024, arXiv 2410.10912; read from
 * github haiquanlu/AlphaPruning, lib/prune.py {@code ww_sparsity}): each layer's metric m (PL_Alpha_Hill by
 * default) is mapped linearly onto the factor r = 1 − ε + 2ε·(m − min)/(max − min) ∈ [1 − ε, 1 + ε],
 * so layers with larger alpha (in HT-SR theory: lighter tails, less well trained) are pruned more; then sᵢ = rᵢ·S·ΣP / ΣPᵣ, which makes Σ Pᵢ·sᵢ / ΣP = S exactly. The reference
 * code defaults to ε = 0.3 for LLMs (main.py) and 0.2 for image classifiers; we default to 0.3.
 *
 * <p>The reference code does not clamp. We do: a layer whose sparsity would exceed {@code maxSparsity}
 * is fixed there and the remaining budget is spread over the other layers by the same factors
 * (s = rᵢ·c with c solving the mean again), repeated until no layer exceeds the cap. Sparsities are never
 * negative because rᵢ ≥ 1 − ε ≥ 0.
 */
public final class SparsityAllocator {
    /** The reference implementation's default for LLMs. */
    public static final double DEFAULT_EPSILON = 0.3;
    /** Clamp: no layer is pruned beyond this (a fully pruned layer cuts the network). */
    public static final double DEFAULT_MAX_SPARSITY = 0.99;

    /** A layer's size and metric (the metric is ignored by {@link #uniform}). */
    public record Layer(String name, long params, double metric) {
    }

    private SparsityAllocator() {
    }

    /** Every layer at S. */
    public static Allocation uniform(List<Layer> layers, double target) {
        checkTarget(target, 1);
        return new Allocation(AllocationMethod.UNIFORM, target,
                layers.stream().map(l -> new LayerShare(l.name(), l.params(), l.metric(), target)).toList());
    }

    /** AlphaPruning allocation with the default ε and cap. */
    public static Allocation alpha(List<Layer> layers, double target) {
        return alpha(layers, target, DEFAULT_EPSILON, DEFAULT_MAX_SPARSITY, null);
    }

    /**
     * AlphaPruning allocation.
     *
     * @param blockOf null, or a function from layer name to its block (e.g. transformer layer index): the
     *                metric is then averaged within each block first (the paper's block-wise mapping)
     */
    public static Allocation alpha(List<Layer> layers, double target, double epsilon, double maxSparsity,
                                   Function<String, String> blockOf) {
        checkTarget(target, maxSparsity);
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        double[] m = metrics(layers, blockOf);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : m) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("AlphaPruning needs a finite metric for every layer");
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int n = layers.size();
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            // all metrics equal: the map is undefined (0/0 in the reference code); every layer gets S
            r[i] = max > min ? 1 - epsilon + 2 * epsilon * (m[i] - min) / (max - min) : 1;
        }
        double[] s = solve(layers, r, target, maxSparsity);
        List<LayerShare> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new LayerShare(layers.get(i).name(), layers.get(i).params(), m[i], s[i]));
        }
        return new Allocation(AllocationMethod.ALPHA, target, out);
    }

    /** sᵢ = rᵢ·c, layers above the cap fixed at the cap, c chosen so that the weighted mean is S. */
    private static double[] solve(List<Layer> layers, double[] r, double target, double cap) {
        int n = layers.size();
        double[] s = new double[n];
        boolean[] fixed = new boolean[n];
        double total = layers.stream().mapToDouble(Layer::params).sum();
        while (true) {
            double budget = target * total;
            double free = 0;
            for (int i = 0; i < n; i++) {
                if (fixed[i]) {
                    budget -= cap * layers.get(i).params();
                } else {
                    free += layers.get(i).params() * r[i];
                }
            }
            double c = free == 0 ? 0 : budget / free;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                if (!fixed[i]) {
                    s[i] = r[i] * c;
                    if (s[i] > cap) {
                        fixed[i] = true;
                        changed = true;
                    }
                } else {
                    s[i] = cap;
                }
            }
            if (!changed) {
                return s;
            }
        }
    }

    private static double[] metrics(List<Layer> layers, Function<String, String> blockOf) {
        double[] m = new double[layers.size()];
        if (blockOf == null) {
            for (int i = 0; i < m.length; i++) {
                m[i] = layers.get(i).metric();
            }
            return m;
        }
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Layer l : layers) {
            double[] acc = sums.computeIfAbsent(blockOf.apply(l.name()), k -> new double[2]);
            acc[0] += l.metric();
            acc[1]++;
        }
        for (int i = 0; i < m.length; i++) {
            double[] acc = sums.get(blockOf.apply(layers.get(i).name()));
            m[i] = acc[0] / acc[1];
        }
        return m;
    }

    private static void checkTarget(double target, double cap) {
        if (!(target >= 0 && target < 1)) {
            throw new IllegalArgumentException("target sparsity must be in [0, 1), got " + target);
        }
        if (target > cap) {
            throw new IllegalArgumentException("target sparsity " + target + " is above the per-layer cap " + cap);
        }
    }
}
