package dev.loupe.compress.sparsegpt;

import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.obs.LazyBatch;
import dev.loupe.compress.prune.Mask;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.prune.SemiStructured;

/**
 * SparseGPT (Frantar and Alistarh, ICML 2023, arXiv 2301.00774): prune a linear layer column by column and
 * after each column move the removed weights' contribution onto the columns not yet visited (the
 * optimal-brain-surgeon update with H = XᵀX), so the layer's output ‖(W − Ŵ)X‖² stays small. Port of the
 * reference {@code fasterprune} (github IST-DASLab/sparsegpt, {@code sparsegpt.py}): dead inputs, 1 % dampening,
 * the upper Cholesky factor of H⁻¹, lazy batches of 128 columns. The mask is chosen per block of 128 columns
 * (adaptive mask selection, paper Sec. 3.3) by the OBS saliency w²/[U_ii]² over the block's entries at the
 * block's start; N:M takes, every M columns, the M − N lowest saliencies of each row's current values.
 *
 * <p>One deliberate difference: the reference prunes every entry with saliency ≤ the value at sorted index
 * ⌊k·s⌋, which removes one entry more per block than k·s (and more on ties); here each block loses exactly
 * round(k·s) entries, ties to the lower index ({@link Pruners}), so the layer's sparsity is the one asked for.
 */
public final class SparseGpt {
    /** The pruned weights (original column order), which entries were removed, and the sweep's loss. */
    public record Result(float[] weights, Mask mask, double loss) {
    }

    private SparseGpt() {
    }

    /** Prunes row-major [rows, cols] {@code w} (not modified) given the layer's XᵀX (cols × cols). */
    public static Result prune(float[] w, int rows, int cols, double[] xtx, SparseGptSpec spec) {
        return prune(w, rows, cols, InverseHessian.of(xtx, cols, spec.dampening(), false), spec);
    }

    /** As above with the inverse-Hessian factor already computed. */
    public static Result prune(float[] w, int rows, int cols, InverseHessian h, SparseGptSpec spec) {
        if ((long) rows * cols != w.length || h.n() != cols) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + "x" + cols + " and XᵀX of " + h.n());
        }
        int[] order = h.order();
        double[] x = h.permute(w, rows);
        boolean[] pruned = new boolean[w.length];
        double loss = LazyBatch.sweep(x, rows, h, spec.blockSize(), new LazyBatch.Rule() {
            @Override
            public void startBlock(double[] cur, int i1, int i2) {
                if (spec.nm() || spec.sparsity() == 0) {
                    return;
                }
                int count = i2 - i1;
                float[] scores = new float[rows * count];
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < count; i++) {
                        scores[r * count + i] = saliency(cur[r * cols + i1 + i], h.diagonal(i1 + i));
                    }
                }
                boolean[] keep = Pruners.prune(scores, rows, count, spec.sparsity(), Pruners.Scope.LAYER).keep();
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < count; i++) {
                        pruned[r * cols + i1 + i] = !keep[r * count + i];
                    }
                }
            }

            @Override
            public double round(int row, int col, double[] block, int off, int i, double[] cur) {
                if (spec.nm() && i % spec.m() == 0) {
                    int len = Math.min(spec.m(), cols - col);
                    float[] scores = new float[len];
                    for (int j = 0; j < len; j++) {
                        scores[j] = saliency(block[off + i + j], h.diagonal(col + j));
                    }
                    boolean[] keep = SemiStructured.prune(scores, 1, len, spec.n(), spec.m()).keep();
                    for (int j = 0; j < len; j++) {
                        pruned[row * cols + col + j] = !keep[j];
                    }
                }
                return pruned[row * cols + col] ? 0 : block[off + i];
            }
        });
        double[] back = h.unpermute(x, rows);
        float[] out = new float[w.length];
        boolean[] keep = new boolean[w.length];
        for (int r = 0; r < rows; r++) {
            for (int p = 0; p < cols; p++) {
                out[r * cols + p] = (float) back[r * cols + p];
                keep[r * cols + order[p]] = !pruned[r * cols + p];
            }
        }
        return new Result(out, new Mask(keep, rows, cols), loss);
    }

    /** The OBS saliency of removing weight v whose inverse-Hessian factor diagonal is d: v²/d². */
    private static float saliency(double v, double d) {
        return (float) (v * v / (d * d));
    }
}
