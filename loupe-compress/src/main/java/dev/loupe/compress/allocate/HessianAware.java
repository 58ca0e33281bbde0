package dev.loupe.compress.allocate;

import dev.loupe.linalg.openblas.NativeDense;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hessian-aware sensitivities for bit allocation. HAWQ-V2 (Dong, Yao, Arfeen, Gholami, Mahoney, Keutzer, NeurIPS 2020,
 * arXiv 1911.03852, Sec. 3.2, Eq. 4) ranks layer i at b bits by Ω_i(b) = Tr(H_i)/n_i · ‖Q_b(W_i) − W_i‖², H_i the
 * loss Hessian block of the layer's n_i weights: the second-order loss increase of a perturbation spread evenly over
 * H_i's eigen-directions. {@link BitAllocator#knapsack} then picks the widths minimizing Σ Ω_i under the model-size
 * budget, as HAWQ-V2's Pareto-frontier choice does.
 *
 * <p>Where the whole-network Hessian is out of reach (language models), the layer's Gauss–Newton / Fisher proxy of
 * OBQ and GPTQ takes its place: the loss is taken as the layer's output error, whose Hessian is H = XᵀX/N (X the
 * calibration inputs, N rows), and the perturbation's cost is Ω_i(b) = tr(ΔW·H·ΔWᵀ) = (1/N)·Σ_t ‖ΔW·x_t‖², the mean
 * squared output change, which weighs ΔW by the inputs' second moment instead of a scalar trace.
 */
public final class HessianAware {
    private HessianAware() {
    }

    /** HAWQ-V2's Ω: the layer's mean Hessian trace Tr(H)/n times its squared quantization perturbation. */
    public static double traceWeighted(double meanTrace, double squaredError) {
        if (!(meanTrace >= 0) || !(squaredError >= 0)) {
            throw new IllegalArgumentException("trace " + meanTrace + " and squared error " + squaredError + " must be >= 0");
        }
        return meanTrace * squaredError;
    }

    /**
     * HAWQ-V2's bits: each layer's Ω_i(b) = max(0, Tr(H_i))/n_i · ‖Q_b(W_i) − W_i‖² from its squared quantization error
     * at each width ({@code perturbations}, by layer) and its Hessian trace ({@code traces}, by layer name), then the
     * exact knapsack minimizing Σ Ω_i within {@code averageBits}·Σ n_i bits. Each share's metric is its Ω at the
     * chosen width. A negative trace estimate counts as 0: Ω is a loss increase, and such a block is flat or noise.
     */
    public static Allocation bits(List<BitAllocator.Curve> perturbations, Map<String, HessianTrace> traces, double averageBits) {
        List<BitAllocator.Curve> omega = new ArrayList<>();
        for (BitAllocator.Curve c : perturbations) {
            double h = meanTrace(traces, c.name(), c.params());
            TreeMap<Integer, Double> o = new TreeMap<>();
            c.errorByBits().forEach((b, e) -> o.put(b, traceWeighted(h, e)));
            omega.add(new BitAllocator.Curve(c.name(), c.params(), o));
        }
        Allocation k = BitAllocator.knapsack(omega, averageBits);
        return new Allocation(AllocationMethod.HESSIAN, k.target(), k.layers());
    }

    /** The sparsities a Hessian-aware pruning allocation chooses from: 0, 5 %, …, {@value #MAX_SPARSITY}. */
    public static final int SPARSITY_STEPS = 20;
    public static final double MAX_SPARSITY = 0.95;
    /** The largest knapsack table (layers × budget units) solved in exact units. */
    private static final long EXACT_CELLS = 20_000_000;

    /** A layer's pruning perturbation ‖P_s(W) − W‖² at each sparsity s = k/{@value #SPARSITY_STEPS}, k = 0.. (index k). */
    public record PruneCurve(String name, long params, double[] perturbation) {
        public PruneCurve {
            if (params < 1 || perturbation.length < 1 || perturbation.length > SPARSITY_STEPS) {
                throw new IllegalArgumentException("layer " + name + ": " + perturbation.length + " sparsities of " + params + " weights");
            }
        }
    }

    /**
     * HAWQ-V2's criterion for pruning (the sparsity analogue of {@link #bits}): layer i at sparsity s costs
     * Ω_i(s) = max(0, Tr(H_i))/n_i · ‖P_s(W_i) − W_i‖², and the multiple-choice knapsack over s ∈ {0, 5 %, …} picks the
     * sparsities minimizing Σ Ω_i while keeping at most (1 − {@code target})·Σ n_i weights. Costs are the kept weights,
     * n_i·(1 − s), in exact units (n's gcd / {@value #SPARSITY_STEPS}) when the table is small, else in 1/20,000 of the
     * budget rounded up (never over it). Each share's metric is its Ω at the chosen sparsity.
     */
    public static Allocation sparsity(List<PruneCurve> curves, Map<String, HessianTrace> traces, double target) {
        long total = 0;
        long g = 0;
        for (PruneCurve c : curves) {
            total += c.params();
            g = MultipleChoiceKnapsack.gcd(g, c.params());
        }
        double kept = (1 - target) * total;
        boolean exact = curves.size() * (kept * SPARSITY_STEPS / g) <= EXACT_CELLS;
        double unit = exact ? (double) g / SPARSITY_STEPS : kept / 20_000;
        int units = (int) Math.floor(kept / unit + 1e-9);
        int[][] costs = new int[curves.size()][];
        double[][] omega = new double[curves.size()][];
        for (int i = 0; i < curves.size(); i++) {
            PruneCurve c = curves.get(i);
            double h = meanTrace(traces, c.name(), c.params());
            int k = c.perturbation().length;
            costs[i] = new int[k];
            omega[i] = new double[k];
            for (int j = 0; j < k; j++) {
                double keptWeights = c.params() * (double) (SPARSITY_STEPS - j) / SPARSITY_STEPS;
                costs[i][j] = (int) Math.min(units + 1L, (long) Math.ceil(keptWeights / unit - 1e-9));
                omega[i][j] = traceWeighted(h, c.perturbation()[j]);
            }
        }
        int[] pick = MultipleChoiceKnapsack.solve(costs, omega, units);
        if (pick == null) {
            throw new IllegalArgumentException("a mean sparsity of " + target + " is out of reach with sparsities up to "
                    + (curves.getFirst().perturbation().length - 1) / (double) SPARSITY_STEPS);
        }
        List<LayerShare> shares = new ArrayList<>();
        for (int i = 0; i < curves.size(); i++) {
            PruneCurve c = curves.get(i);
            shares.add(new LayerShare(c.name(), c.params(), omega[i][pick[i]], pick[i] / (double) SPARSITY_STEPS));
        }
        return new Allocation(AllocationMethod.HESSIAN, target, shares);
    }

    /** max(0, Tr(H))/n of layer {@code name}, checking that the trace is of the same number of weights. */
    public static double meanTrace(Map<String, HessianTrace> traces, String name, long params) {
        HessianTrace t = traces.get(name);
        if (t == null || t.parameters() != params) {
            throw new IllegalArgumentException("no Hessian trace of " + params + " weights for layer '" + name + "'"
                    + (t == null ? "" : " (one of " + t.parameters() + ")"));
        }
        return Math.max(0, t.meanTrace());
    }

    /**
     * The output-error proxy tr(ΔW·(XᵀX/n)·ΔWᵀ) for ΔW = {@code q} − {@code w}, both row-major [rows, cols], XᵀX
     * cols × cols row-major, summed over {@code n} calibration rows. One native dgemm (ΔW·XᵀX) where OpenBLAS loads.
     */
    public static double outputError(float[] w, float[] q, int rows, int cols, double[] xtx, long n) {
        if ((long) rows * cols != w.length || w.length != q.length || (long) cols * cols != xtx.length || n < 1) {
            throw new IllegalArgumentException("shapes " + w.length + ", " + q.length + ", " + xtx.length + " for " + rows + "x" + cols);
        }
        double[] d = new double[w.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (double) q[i] - w[i];
        }
        NativeDense blas = NativeDense.loadOrNull();
        double sum = 0;
        if (blas != null) {
            double[] dh = new double[d.length];
            blas.dgemm(rows, cols, cols, 1, d, 0, cols, xtx, 0, cols, 0, dh, 0, cols);
            for (int i = 0; i < d.length; i++) {
                sum += d[i] * dh[i];
            }
        } else {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < cols; i++) {
                    double di = d[r * cols + i];
                    if (di != 0) {
                        double s = 0;
                        for (int j = 0; j < cols; j++) {
                            s += xtx[i * cols + j] * d[r * cols + j];
                        }
                        sum += di * s;
                    }
                }
            }
        }
        return sum / n;
    }
}
