package dev.loupe.compress.gptq;

import dev.loupe.compress.obs.DirectObs;
import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.quantize.Grid;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.compress.quantize.RoundToNearest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestGptq {
    @Test
    void handWorkedTwoByTwo() {
        // H = [[2, 1], [1, 2]], no dampening, 2-bit symmetric per tensor: max|W| = 1 → scale 1, codes {−1, 0, 1}.
        // Row 0 [1, 0.4]: column 0 is exact, 0.4 → 0. Row 1 [−0.4, 0.6]: −0.4 → 0 with error −0.4, which moves
        // H10/H11 · (−0.4) = −0.2 onto column 1: 0.6 − 0.2 = 0.4 → 0 (round-to-nearest keeps 1).
        // Losses: row 0: 0.4²/(2·½) = 0.16; row 1: 0.4²/(2·⅔) + 0.4²/(2·½) = 0.12 + 0.16.
        float[] w = {1f, 0.4f, -0.4f, 0.6f};
        GptqSpec spec = new GptqSpec(new QuantSpec(2, true, QuantSpec.PER_TENSOR), false, 128, 0);
        Gptq.Result r = Gptq.quantize(w, 2, 2, new double[] {2, 1, 1, 2}, spec);
        assertArrayEquals(new int[] {1, 0, 0, 0}, r.matrix().codes());
        assertEquals(0.44, r.loss(), 1e-7); // 0.4f is not 0.4
        assertArrayEquals(new int[] {1, 0, 0, 1}, RoundToNearest.quantize(w, 2, 2, spec.quant()).codes());
        // ½(w − q)ᵀH(w − q) of row 1: GPTQ [−0.4, 0.6] → 0.28, RTN [−0.4, −0.4] → 0.48
        double[] h = {2, 1, 1, 2};
        assertEquals(0.28 + 0.16, DirectObs.objective(h, 2, w, r.matrix().dequantize(), 2), 1e-7);
    }

    @Test
    void equalsTheDirectOptimalBrainSurgeonSweep() {
        int rows = 5;
        int n = 12;
        double[] xtx = DirectObs.gram(40, n, 1);
        float[] w = DirectObs.weights(rows, n, 2);
        // per channel and per tensor, both orders; blocks of 5 so lazy batches cross column boundaries
        for (QuantSpec q : new QuantSpec[] {new QuantSpec(3, true, 0), new QuantSpec(4, false, 0),
                new QuantSpec(2, false, QuantSpec.PER_TENSOR)}) {
            for (boolean actOrder : new boolean[] {false, true}) {
                checkAgainstDirect(w, rows, n, xtx, new GptqSpec(q, actOrder, 5, 0.01));
            }
        }
        // groups of 4 with blocks of 4: each group's grid is taken from the values of the group at its start
        checkAgainstDirect(w, rows, n, xtx, new GptqSpec(new QuantSpec(3, false, 4), false, 4, 0.01));
        // act-order with groups: static groups from the original weights
        checkAgainstDirect(w, rows, n, xtx, new GptqSpec(new QuantSpec(3, true, 4), true, 5, 0.01));
    }

    /**
     * Column by column in processing order: the value quantized is the least-squares optimum of the remaining
     * columns given the quantized ones, computed from scratch; the loss is Σ(v − q)²/(2[H_F⁻¹]_00) and equals
     * ½(w − q)ᵀH(w − q).
     */
    private static void checkAgainstDirect(float[] w, int rows, int n, double[] xtx, GptqSpec spec) {
        Gptq.Result r = Gptq.quantize(w, rows, n, xtx, spec);
        double[] h = DirectObs.dampened(xtx, n, spec.dampening());
        int[] order = InverseHessian.of(xtx, n, spec.dampening(), spec.actOrder()).order();
        QuantSpec q = spec.quant();
        int g = q.groupLength(n);
        boolean grouped = !q.perTensor() && g < n;
        double loss = 0;
        int[] codes = new int[w.length];
        for (int row = 0; row < rows; row++) {
            double[] wr = new double[n];
            for (int c = 0; c < n; c++) {
                wr[c] = w[row * n + c];
            }
            double[] fixed = new double[n];
            Grid grid = q.perTensor() ? grid(w, 0, w.length, q) : grid(w, row * n, (row + 1) * n, q);
            for (int i = 0; i < n; i++) {
                int c = order[i];
                double[] v = DirectObs.optimum(h, n, wr, fixed, order, i);
                if (grouped && spec.actOrder()) {
                    grid = grid(w, row * n + c / g * g, row * n + Math.min(n, c / g * g + g), q);
                } else if (grouped && i % g == 0) {
                    grid = Grid.of(v, 0, Math.min(g, n - i), q);
                }
                codes[row * n + c] = grid.code(v[0], q);
                fixed[c] = grid.value(codes[row * n + c]);
                loss += (v[0] - fixed[c]) * (v[0] - fixed[c]) / (2 * DirectObs.inverseDiagonal(h, n, order, i));
            }
        }
        assertArrayEquals(codes, r.matrix().codes(), spec.toString());
        assertEquals(loss, r.loss(), 1e-9 * loss, spec.toString());
        assertEquals(DirectObs.objective(h, n, w, r.matrix().dequantize(), rows), r.loss(), 1e-5 * loss, spec.toString());
    }

    private static Grid grid(float[] w, int from, int to, QuantSpec q) {
        double[] d = new double[to - from];
        for (int i = from; i < to; i++) {
            d[i - from] = w[i];
        }
        return Grid.of(d, 0, d.length, q);
    }

    @Test
    void beatsRoundToNearestOnTheLayerOutput() {
        int rows = 64;
        int n = 96;
        double[] xtx = DirectObs.gram(400, n, 3);
        float[] w = DirectObs.weights(rows, n, 4);
        for (int bits : new int[] {3, 4}) {
            QuantSpec q = new QuantSpec(bits, true, 32);
            float[] gptq = Gptq.quantize(w, rows, n, xtx, GptqSpec.of(q, false)).matrix().dequantize();
            float[] rtn = RoundToNearest.quantize(w, rows, n, q).dequantize();
            double eg = DirectObs.objective(xtx, n, w, gptq, rows);
            double er = DirectObs.objective(xtx, n, w, rtn, rows);
            assertTrue(eg < 0.85 * er, bits + " bits: GPTQ " + eg + " vs RTN " + er);
        }
    }

    @Test
    void deadInputIsZeroedAndDecoupled() {
        // input 2 never active: its weights become 0 (code for 0) and, with no dampening, the other columns
        // are quantized exactly as if it were absent
        int rows = 3;
        double[] full = DirectObs.gram(30, 4, 5);
        for (int i = 0; i < 4; i++) {
            full[2 * 4 + i] = 0;
            full[i * 4 + 2] = 0;
        }
        float[] w = DirectObs.weights(rows, 4, 6);
        QuantSpec q = new QuantSpec(4, false, 2);
        QuantizedMatrix m = Gptq.quantize(w, rows, 4, full, new GptqSpec(q, false, 128, 0)).matrix();
        float[] d = m.dequantize();
        int[] keep = {0, 1, 3};
        double[] reduced = DirectObs.sub(full, 4, keep, keep);
        for (int r = 0; r < rows; r++) {
            assertEquals(0f, d[r * 4 + 2]);
            float[] wr = {w[r * 4], w[r * 4 + 1]};
            float[] dr = Gptq.quantize(wr, 1, 2, DirectObs.sub(reduced, 3, new int[] {0, 1}, new int[] {0, 1}),
                    new GptqSpec(q, false, 128, 0)).matrix().dequantize();
            assertEquals(dr[0], d[r * 4], 0f);
            assertEquals(dr[1], d[r * 4 + 1], 0f);
        }
    }
}
