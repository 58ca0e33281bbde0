package dev.loupe.compress.allocate;

import dev.loupe.compress.quantize.QuantError;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.RoundToNearest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestHessianAware {
    @Test
    void outputErrorByHand() {
        // ΔW = [0.5, −0.5], XᵀX = [[4, 2], [2, 3]] over 2 rows: (0.25·4 − 2·0.25·2 + 0.25·3)/2 = 0.375
        double e = HessianAware.outputError(new float[] {1, 2}, new float[] {1.5f, 1.5f}, 1, 2, new double[] {4, 2, 2, 3}, 2);
        assertEquals(0.375, e, 1e-15);
    }

    @Test
    void isotropicHessianGivesHawqsTraceTimesSquaredError() {
        // XᵀX/n = h·I: tr(ΔW·H·ΔWᵀ) = h·‖ΔW‖² = (Tr(H)/n_in)·‖ΔW‖², HAWQ-V2's Ω with the mean trace h
        int rows = 5;
        int cols = 7;
        double h = 2.5;
        double[] xtx = new double[cols * cols];
        for (int i = 0; i < cols; i++) {
            xtx[i * cols + i] = h * 10;
        }
        float[] w = random(rows * cols, 1);
        float[] q = RoundToNearest.quantize(w, rows, cols, new QuantSpec(3, true, 0)).dequantize();
        assertEquals(HessianAware.traceWeighted(h, QuantError.squared(w, q)), HessianAware.outputError(w, q, rows, cols, xtx, 10), 1e-12);
    }

    @Test
    void knapsackOverHessianWeightedErrorsMinimizesTheQuadraticLossExactly() {
        // a quadratic loss with known Hessian: L = Σ_i ½·tr(ΔW_i·H_i·ΔW_iᵀ), H_i = s_i·I with very different curvatures.
        // Hessian-aware bits (widths 2..8, average 4) must reach the brute-force minimum of L over every allocation
        // within the budget, and beat uniform 4 bits; plain squared error (knapsack) ignores s_i and does not.
        int rows = 16;
        int cols = 32;
        // four equal layers: each width's cost is a whole number of the knapsack's 1/20000-budget units
        double[] s = {100, 3, 1, 0.01};
        List<float[]> ws = new ArrayList<>();
        List<BitAllocator.Curve> hessian = new ArrayList<>();
        List<BitAllocator.Curve> plain = new ArrayList<>();
        double[][] loss = new double[4][9];
        for (int i = 0; i < 4; i++) {
            float[] w = random(rows * cols, 10 + i);
            ws.add(w);
            double[] xtx = new double[cols * cols];
            for (int c = 0; c < cols; c++) {
                xtx[c * cols + c] = s[i];
            }
            TreeMap<Integer, Double> he = new TreeMap<>();
            TreeMap<Integer, Double> pe = new TreeMap<>();
            for (int b = 2; b <= 8; b++) {
                float[] q = RoundToNearest.quantize(w, rows, cols, new QuantSpec(b, true, 0)).dequantize();
                he.put(b, HessianAware.outputError(w, q, rows, cols, xtx, 1));
                pe.put(b, QuantError.squared(w, q));
                loss[i][b] = 0.5 * s[i] * QuantError.squared(w, q);
            }
            hessian.add(new BitAllocator.Curve("l" + i, (long) rows * cols, he));
            plain.add(new BitAllocator.Curve("l" + i, (long) rows * cols, pe));
        }
        double best = Double.POSITIVE_INFINITY;
        for (int a = 2; a <= 8; a++) {
            for (int b = 2; b <= 8; b++) {
                for (int c = 2; c <= 8; c++) {
                    for (int d = 2; d <= 8; d++) {
                        if (a + b + c + d <= 16) {
                            best = Math.min(best, loss[0][a] + loss[1][b] + loss[2][c] + loss[3][d]);
                        }
                    }
                }
            }
        }
        Allocation h = BitAllocator.knapsack(hessian, 4);
        Allocation k = BitAllocator.knapsack(plain, 4);
        assertEquals(best, lossOf(h, loss), 1e-12 * best);
        assertTrue(lossOf(h, loss) < loss[0][4] + loss[1][4] + loss[2][4] + loss[3][4]);
        assertTrue(lossOf(k, loss) > best * 1.5, "squared error alone: " + lossOf(k, loss) + " vs " + best);
        assertTrue(h.valueOf("l0") > h.valueOf("l1") && h.valueOf("l2") > h.valueOf("l3"), h.toString());
    }

    /**
     * HAWQ-V2 from given traces: four layers of different sizes (n = 64, 128, 192, 256) with traces 6.4, 0.5, 30 and a
     * negative estimate. Each share's Ω is worked here by hand, (Tr/n)·‖Q_b(W) − W‖² with the negative trace as 0, and
     * the allocation's Σ Ω at an average of 3.5 bits equals the brute-force minimum over all 7⁴ width choices within
     * the budget.
     */
    @Test
    void hawqBitsAreTheBruteForceOptimumOfTheHandComputedOmega() {
        int[] rows = {4, 8, 12, 16};
        int cols = 16;
        double[] trace = {6.4, 0.5, 30, -0.2};
        List<BitAllocator.Curve> curves = new ArrayList<>();
        java.util.Map<String, HessianTrace> traces = new java.util.HashMap<>();
        double[][] omega = new double[4][9];
        long total = 0;
        for (int i = 0; i < 4; i++) {
            int n = rows[i] * cols;
            total += n;
            float[] w = random(n, 40 + i);
            TreeMap<Integer, Double> sq = new TreeMap<>();
            for (int b = 2; b <= 8; b++) {
                float[] q = RoundToNearest.quantize(w, rows[i], cols, new QuantSpec(b, true, 0)).dequantize();
                double e = 0;
                for (int j = 0; j < n; j++) {
                    e += ((double) q[j] - w[j]) * ((double) q[j] - w[j]);
                }
                sq.put(b, e);
                omega[i][b] = (trace[i] > 0 ? trace[i] / n : 0) * e;
            }
            curves.add(new BitAllocator.Curve("l" + i, n, sq));
            traces.put("l" + i, new HessianTrace("l" + i, n, trace[i], 0.1, 20));
        }
        double budget = 3.5 * total;
        double best = Double.POSITIVE_INFINITY;
        for (int a = 2; a <= 8; a++) {
            for (int b = 2; b <= 8; b++) {
                for (int c = 2; c <= 8; c++) {
                    for (int d = 2; d <= 8; d++) {
                        if (64.0 * a + 128.0 * b + 192.0 * c + 256.0 * d <= budget) {
                            best = Math.min(best, omega[0][a] + omega[1][b] + omega[2][c] + omega[3][d]);
                        }
                    }
                }
            }
        }
        Allocation h = HessianAware.bits(curves, traces, 3.5);
        assertEquals(AllocationMethod.HESSIAN, h.method());
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            int b = (int) h.valueOf("l" + i);
            assertEquals(omega[i][b], h.layers().get(i).metric(), 1e-15 * Math.max(1, omega[i][b]));
            sum += omega[i][b];
        }
        assertEquals(best, sum, 1e-12 * best);
        assertTrue(h.weightedMean() <= 3.5 + 1e-12);
        // the flat layer (negative estimate) costs nothing at any width: it gets the fewest bits, the sharpest the most
        assertEquals(2, h.valueOf("l3"));
        assertTrue(h.valueOf("l2") > h.valueOf("l1"), h.toString());
    }

    /**
     * The sparsity analogue: three layers (n = 40, 80, 120) with traces 2, 40 and 0.3 and magnitude pruning's
     * perturbation (the sum of the k smallest squared weights, worked here by sorting); the allocation's Σ Ω at a
     * mean sparsity of 50 % equals the brute-force minimum over all 20³ choices keeping at most half the weights.
     */
    @Test
    void hawqSparsitiesAreTheBruteForceOptimum() {
        int[] n = {40, 80, 120};
        double[] trace = {2, 40, 0.3};
        int steps = HessianAware.SPARSITY_STEPS;
        List<HessianAware.PruneCurve> curves = new ArrayList<>();
        java.util.Map<String, HessianTrace> traces = new java.util.HashMap<>();
        double[][] omega = new double[3][steps];
        for (int i = 0; i < 3; i++) {
            float[] w = random(n[i], 70 + i);
            double[] sq = new double[n[i]];
            for (int j = 0; j < n[i]; j++) {
                sq[j] = (double) w[j] * w[j];
            }
            java.util.Arrays.sort(sq);
            double[] p = new double[steps];
            for (int k = 0; k < steps; k++) {
                int pruned = n[i] * k / steps; // whole weights: n is a multiple of 20 here
                for (int j = 0; j < pruned; j++) {
                    p[k] += sq[j];
                }
                omega[i][k] = trace[i] / n[i] * p[k];
            }
            curves.add(new HessianAware.PruneCurve("l" + i, n[i], p));
            traces.put("l" + i, new HessianTrace("l" + i, n[i], trace[i], 0.1, 30));
        }
        double best = Double.POSITIVE_INFINITY;
        for (int a = 0; a < steps; a++) {
            for (int b = 0; b < steps; b++) {
                for (int c = 0; c < steps; c++) {
                    double kept = n[0] * (steps - a) / (double) steps + n[1] * (steps - b) / (double) steps + n[2] * (steps - c) / (double) steps;
                    if (kept <= 120 + 1e-9) {
                        best = Math.min(best, omega[0][a] + omega[1][b] + omega[2][c]);
                    }
                }
            }
        }
        Allocation h = HessianAware.sparsity(curves, traces, 0.5);
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            int k = (int) Math.round(h.valueOf("l" + i) * steps);
            assertEquals(omega[i][k], h.layers().get(i).metric(), 1e-15 * Math.max(1, omega[i][k]));
            sum += omega[i][k];
        }
        assertEquals(best, sum, 1e-12 * best);
        assertTrue(h.weightedMean() >= 0.5 - 1e-12, h.toString());
        // the sharpest layer is pruned least, the flattest most
        assertTrue(h.valueOf("l1") < h.valueOf("l0") && h.valueOf("l0") < h.valueOf("l2"), h.toString());
    }

    @Test
    void aTraceOfAnotherSizeIsRefused() {
        List<BitAllocator.Curve> curves = List.of(new BitAllocator.Curve("a", 10, new TreeMap<>(java.util.Map.of(2, 1.0, 3, 0.5))));
        assertThrows(IllegalArgumentException.class,
                () -> HessianAware.bits(curves, java.util.Map.of("a", new HessianTrace("a", 11, 1, 0, 10)), 2.5));
        assertThrows(IllegalArgumentException.class, () -> HessianAware.bits(curves, java.util.Map.of(), 2.5));
    }

    private static double lossOf(Allocation a, double[][] loss) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += loss[i][(int) a.valueOf("l" + i)];
        }
        return sum;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }
}
