package dev.loupe.compress.sparsegpt;

import dev.loupe.compress.obs.DirectObs;
import dev.loupe.compress.prune.Pruners;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSparseGpt {
    @Test
    void handWorkedOneOfTwo() {
        // H = [[2, 1], [1, 2]], no dampening, row [0.3, 1.0] at 1:2. Saliencies w²/U_ii²: U00² = [H⁻¹]00 = 2/3,
        // U11² = 1/H11 = 1/2: 0.09/(2/3) = 0.135 and 1/(1/2) = 2, so column 0 goes and moves
        // H10/H11 · 0.3 = 0.15 onto column 1: [0, 1.15] (magnitude pruning: [0, 1]). Loss 0.3²/(2·2/3) = 0.0675.
        SparseGpt.Result r = SparseGpt.prune(new float[] {0.3f, 1f}, 1, 2, new double[] {2, 1, 1, 2},
                new SparseGptSpec(0.5, 1, 2, 128, 0));
        assertEquals(0f, r.weights()[0]);
        assertEquals(1.15f, r.weights()[1], 1e-6f);
        assertEquals(0.0675, r.loss(), 1e-7);
        assertArrayEquals(new boolean[] {false, true}, r.mask().keep());
    }

    @Test
    void unstructuredEqualsTheDirectSweep() {
        int rows = 4;
        int n = 10;
        double[] xtx = DirectObs.gram(30, n, 7);
        float[] w = DirectObs.weights(rows, n, 8);
        for (double s : new double[] {0.3, 0.5, 0.7}) {
            check(w, rows, n, xtx, new SparseGptSpec(s, 0, 0, 4, 0.01));
        }
        check(w, rows, n, xtx, new SparseGptSpec(0.5, 2, 4, 4, 0.01));
        check(w, rows, n, xtx, new SparseGptSpec(0.5, 1, 2, 8, 0.01));
    }

    /**
     * The direct sweep: at each block start the mask takes the round(k·s) lowest saliencies v²/[H_F⁻¹]_00 of the
     * block's least-squares optimal values (N:M: every M columns, per row); each column then becomes 0 or its
     * least-squares optimum given all earlier columns.
     */
    private static void check(float[] w, int rows, int n, double[] xtx, SparseGptSpec spec) {
        SparseGpt.Result r = SparseGpt.prune(w, rows, n, xtx, spec);
        double[] h = DirectObs.dampened(xtx, n, spec.dampening());
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        double[][] fixed = new double[rows][n];
        double[][] ww = new double[rows][n];
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < n; c++) {
                ww[row][c] = w[row * n + c];
            }
        }
        boolean[] pruned = new boolean[rows * n];
        double loss = 0;
        for (int i1 = 0; i1 < n; i1 += spec.blockSize()) {
            int i2 = Math.min(n, i1 + spec.blockSize());
            if (!spec.nm()) {
                Integer[] idx = new Integer[rows * (i2 - i1)];
                double[] sal = new double[idx.length];
                for (int row = 0; row < rows; row++) {
                    double[] v = DirectObs.optimum(h, n, ww[row], fixed[row], order, i1);
                    for (int i = i1; i < i2; i++) {
                        int k = row * (i2 - i1) + i - i1;
                        idx[k] = k;
                        sal[k] = (float) (v[i - i1] * v[i - i1] / DirectObs.inverseDiagonal(h, n, order, i));
                    }
                }
                Arrays.sort(idx, Comparator.<Integer>comparingDouble(k -> sal[k]).thenComparingInt(k -> k));
                long count = Pruners.prunedCount(spec.sparsity(), idx.length);
                for (int k = 0; k < count; k++) {
                    pruned[idx[k] / (i2 - i1) * n + i1 + idx[k] % (i2 - i1)] = true;
                }
            }
            for (int i = i1; i < i2; i++) {
                for (int row = 0; row < rows; row++) {
                    double[] v = DirectObs.optimum(h, n, ww[row], fixed[row], order, i);
                    if (spec.nm() && (i - i1) % spec.m() == 0) {
                        int len = Math.min(spec.m(), n - i);
                        Integer[] idx = new Integer[len];
                        Arrays.setAll(idx, j -> j);
                        double[] sal = new double[len];
                        for (int j = 0; j < len; j++) {
                            sal[j] = (float) (v[j] * v[j] / DirectObs.inverseDiagonal(h, n, order, i + j));
                        }
                        Arrays.sort(idx, Comparator.<Integer>comparingDouble(j -> sal[j]).thenComparingInt(j -> j));
                        for (int j = 0; j < len - Math.min(spec.n(), len); j++) {
                            pruned[row * n + i + idx[j]] = true;
                        }
                    }
                    fixed[row][i] = pruned[row * n + i] ? 0 : v[0];
                    loss += (v[0] - fixed[row][i]) * (v[0] - fixed[row][i]) / (2 * DirectObs.inverseDiagonal(h, n, order, i));
                }
            }
        }
        for (int row = 0; row < rows; row++) {
            for (int c = 0; c < n; c++) {
                assertEquals(!pruned[row * n + c], r.mask().keep()[row * n + c], spec + " mask at " + row + "," + c);
                assertEquals(fixed[row][c], r.weights()[row * n + c], 1e-5, spec + " value at " + row + "," + c);
            }
        }
        assertEquals(loss, r.loss(), 1e-9 * loss, spec.toString());
        float[] w2 = r.weights();
        assertEquals(DirectObs.objective(h, n, w, w2, rows), r.loss(), 1e-5 * loss, spec.toString());
        if (!spec.nm()) {
            assertEquals(spec.sparsity(), r.mask().sparsity(), 0.5 / spec.blockSize() + 1e-9);
        }
    }

    @Test
    void beatsMagnitudeOnTheLayerOutput() {
        int rows = 64;
        int n = 96;
        double[] xtx = DirectObs.gram(400, n, 9);
        float[] w = DirectObs.weights(rows, n, 10);
        for (double s : new double[] {0.5, 0.7}) {
            float[] sp = SparseGpt.prune(w, rows, n, xtx, SparseGptSpec.unstructured(s)).weights();
            float[] mag = Pruners.prune(Pruners.magnitudeScores(w), rows, n, s, Pruners.Scope.LAYER).apply(w);
            double es = DirectObs.objective(xtx, n, w, sp, rows);
            double em = DirectObs.objective(xtx, n, w, mag, rows);
            assertTrue(es < 0.8 * em, s + ": SparseGPT " + es + " vs magnitude " + em);
        }
    }
}
