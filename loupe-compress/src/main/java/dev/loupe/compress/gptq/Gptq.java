package dev.loupe.compress.gptq;

import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.obs.LazyBatch;
import dev.loupe.compress.quantize.Grid;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;

/**
 * GPTQ (Frantar, Ashkboos, Hoefler, Alistarh, ICLR 2023, arXiv 2210.17323): quantize a linear layer's weight
 * one input channel at a time, and after each channel move the rounding error onto the channels not yet
 * quantized so as to keep ‖(W − Q)X‖² minimal (the optimal-brain-surgeon update with the layer Hessian
 * H = XᵀX). Port of the reference {@code fasterquant} (github IST-DASLab/gptq, {@code gptq.py}): dead inputs,
 * 1 % dampening, upper Cholesky factor of H⁻¹, lazy batches of 128 columns, optional act-order.
 *
 * <p>Differences from the reference, all deliberate: the grid is Loupe's ({@link Grid}: symmetric codes use
 * the restricted range ±(2^(b−1) − 1) with zero 0, where the reference's "sym" uses all 2^b codes around a
 * mid zero point), so GPTQ and round-to-nearest differ only in error compensation and write through the same
 * layouts; arithmetic is double where the reference uses float32. As in the reference, per-channel and
 * per-tensor scales come from the original weights, and a group's scale is taken when the sweep reaches the
 * group's first column, from the weights as updated by all earlier lazy batches.
 */
public final class Gptq {
    /** The quantized layer and the sweep's loss Σ(w − q)²/(2·[H⁻¹]_F,ii). */
    public record Result(QuantizedMatrix matrix, double loss) {
    }

    private Gptq() {
    }

    /** Quantizes row-major [rows, cols] {@code w} (not modified) given the layer's XᵀX (cols × cols). */
    public static Result quantize(float[] w, int rows, int cols, double[] xtx, GptqSpec spec) {
        return quantize(w, rows, cols, InverseHessian.of(xtx, cols, spec.dampening(), spec.actOrder()), spec);
    }

    /** As above with the inverse-Hessian factor already computed (it depends only on XᵀX, not on W). */
    public static Result quantize(float[] w, int rows, int cols, InverseHessian h, GptqSpec spec) {
        if ((long) rows * cols != w.length || h.n() != cols) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + "x" + cols + " and XᵀX of " + h.n());
        }
        QuantSpec q = spec.quant();
        int g = q.groupLength(cols);
        int groups = (cols + g - 1) / g;
        boolean grouped = !q.perTensor() && groups > 1;
        boolean staticGroups = grouped && spec.actOrder();
        int[] order = h.order();
        int slots = q.perTensor() ? 1 : rows * groups;
        Grid[] grids = new Grid[slots];
        if (!grouped) {
            // per tensor / per channel: from the original weights, before dead inputs are zeroed (as the reference)
            double[] orig = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                orig[i] = w[i];
            }
            if (q.perTensor()) {
                grids[0] = Grid.of(orig, 0, orig.length, q);
            } else {
                for (int r = 0; r < rows; r++) {
                    grids[r] = Grid.of(orig, r * cols, (r + 1) * cols, q);
                }
            }
        }
        double[] x = h.permute(w, rows);
        if (staticGroups) {
            double[] orig = h.unpermute(x, rows);
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < groups; k++) {
                    grids[r * groups + k] = Grid.of(orig, r * cols + k * g, r * cols + Math.min(cols, (k + 1) * g), q);
                }
            }
        }
        int[] codes = new int[w.length];
        boolean dynamic = grouped && !staticGroups;
        double loss = LazyBatch.sweep(x, rows, h, spec.blockSize(), (row, col, block, off, i, cur) -> {
            int c = order[col];
            int slot = q.perTensor() ? 0 : grouped ? row * groups + c / g : row;
            if (dynamic && col % g == 0) {
                grids[slot] = Grid.of(cur, row * cols + col, row * cols + Math.min(cols, col + g), q);
            }
            Grid grid = grids[slot];
            int code = grid.code(block[off + i], q);
            codes[row * cols + c] = code;
            return grid.value(code);
        });
        float[] scales = new float[slots];
        int[] zeros = new int[slots];
        for (int s = 0; s < slots; s++) {
            Grid grid = grouped ? grids[s] : grids[q.perTensor() ? 0 : s / groups];
            scales[s] = grid.scale();
            zeros[s] = grid.zero();
        }
        return new Result(new QuantizedMatrix(q, rows, cols, codes, scales, zeros, null, null), loss);
    }
}
