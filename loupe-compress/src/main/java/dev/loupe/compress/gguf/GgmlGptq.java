package dev.loupe.compress.gguf;

import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.obs.LazyBatch;
import dev.loupe.core.tensor.DType;

import java.io.ByteArrayOutputStream;

/**
 * GPTQ (Frantar et al., ICLR 2023, arXiv 2210.17323; the column sweep of {@link LazyBatch}) on the grid of any of
 * ggml's block types, K-quants included: each row's scales and mins, and their 6-bit (Q4_K/Q5_K) or 8-bit (Q6_K)
 * quantized forms, are fixed first by ggml's own quantizer on the original row ({@code make_qkx2_quants} /
 * {@code make_qx_quants} and {@code make_qp_quants}, importance-weighted when the calibration's mean squared inputs
 * are given, as llama.cpp's imatrix does: {@link GgmlGrid}); then the sweep rounds each error-compensated weight to
 * its block's fixed grid and spreads the error over the columns not yet rounded. The levels go into the row's blocks,
 * so llama.cpp dequantizes exactly the weights GPTQ chose. Fixing the grid first is what AutoGPTQ's
 * {@code static_groups} does for its groups; ggml's scale search cannot follow the sweep's updated weights because a
 * super-block's 6-bit scales are quantized against each other, all 8 sub-blocks at once.
 */
public final class GgmlGptq {
    /** The blocks as GGUF stores them, the weights they dequantize to (row-major), and the sweep's loss. */
    public record Result(byte[] blocks, float[] weights, double loss) {
    }

    private GgmlGptq() {
    }

    /**
     * GPTQ of row-major [rows, cols] {@code w} (not modified) on {@code type}'s grids; {@code importance}: null or one
     * weight per column (imatrix); {@code h} from the layer's XᵀX ({@link InverseHessian#of}).
     */
    public static Result quantize(DType type, float[] w, int rows, int cols, float[] importance, InverseHessian h, int blockSize) {
        if ((long) rows * cols != w.length || h.n() != cols) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + "x" + cols + " and XᵀX of " + h.n());
        }
        GgmlGrid[] grids = grids(type, w, rows, cols, importance);
        int[] levels = new int[w.length];
        int[] order = h.order();
        double[] x = h.permute(w, rows);
        double loss = LazyBatch.sweep(x, rows, h, blockSize, (row, col, block, off, i, cur) -> {
            int c = order[col];
            int l = grids[row].nearest(c, block[off + i]);
            levels[row * cols + c] = l;
            return grids[row].value(c, l);
        });
        return result(grids, levels, cols, loss);
    }

    /** Round-to-nearest on the same fixed grids (the baseline GPTQ's error compensation is measured against). */
    public static Result roundToNearest(DType type, float[] w, int rows, int cols, float[] importance) {
        GgmlGrid[] grids = grids(type, w, rows, cols, importance);
        int[] levels = new int[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                levels[r * cols + c] = grids[r].nearest(c, w[r * cols + c]);
            }
        }
        return result(grids, levels, cols, Double.NaN);
    }

    /** Whether {@link #quantize} stores {@code type}. */
    public static boolean supports(DType type) {
        return GgmlGrid.supports(type);
    }

    private static GgmlGrid[] grids(DType type, float[] w, int rows, int cols, float[] importance) {
        if (!GgmlGrid.supports(type) || cols % type.blockElements() != 0) {
            throw new IllegalArgumentException(type + " cannot hold rows of " + cols);
        }
        GgmlGrid[] grids = new GgmlGrid[rows];
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * cols, row, 0, cols);
            grids[r] = GgmlGrid.of(type, row, importance);
        }
        return grids;
    }

    private static Result result(GgmlGrid[] grids, int[] levels, int cols, double loss) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        float[] weights = new float[levels.length];
        int[] row = new int[cols];
        for (int r = 0; r < grids.length; r++) {
            System.arraycopy(levels, r * cols, row, 0, cols);
            out.writeBytes(grids[r].pack(row));
            for (int c = 0; c < cols; c++) {
                weights[r * cols + c] = grids[r].value(c, row[c]);
            }
        }
        return new Result(out.toByteArray(), weights, loss);
    }
}
