package dev.loupe.compress.obs;

import dev.loupe.linalg.openblas.NativeDense;

import java.util.stream.IntStream;

/**
 * The column sweep shared by GPTQ and SparseGPT, with their lazy batch updates: columns are taken in blocks
 * of B (the references' 128); within a block each column is rounded (quantized, or kept/pruned), its error
 * e = (w − q)/U_ii is spread over the block's later columns at once, and only at the end of the block is the
 * whole remaining matrix updated, W[:, i2:] −= E·U[i1:i2, i2:] (GPTQ Sec. 3 "Lazy batch-updates",
 * Algorithm 1). Rows are independent given U, so chunks of rows run on different cores; the trailing update is
 * one native dgemm per block where OpenBLAS loads (it is rows·n² of the sweep's work).
 *
 * <p>The matrix is in processing order (see {@link InverseHessian#order()}), row-major [rows, n], and is
 * overwritten with the rounded values. Between blocks, {@code w} holds for every unprocessed column the
 * value after all earlier blocks' updates, as the references' global W does; inside a block the current
 * values live in a per-row buffer that {@link Rule#round} sees.
 */
public final class LazyBatch {
    /** Rows handled together, so the slab of U read in the trailing update is reused across them. */
    private static final int ROWS = 16;
    /** Columns of the trailing update handled together (keeps the U tile in cache). */
    private static final int TILE = 512;

    /** What happens to each weight. Implementations may keep per-row state; a row is touched by one thread. */
    public interface Rule {
        /** Called once per block, on one thread, before any of its columns; {@code w} as described above. */
        default void startBlock(double[] w, int i1, int i2) {
        }

        /**
         * The value column {@code col} of row {@code row} becomes. {@code block[off + i]} is its current,
         * error-compensated value, {@code block[off + j]} for j &gt; i the later columns of the block; {@code w}
         * the matrix as of the start of the block.
         */
        double round(int row, int col, double[] block, int off, int i, double[] w);
    }

    private LazyBatch() {
    }

    /**
     * Sweeps every column. Returns the references' loss Σ (w − q)²/(2·U_ii²), the increase of
     * ½‖(W − Q)X‖²-like error the sweep predicts (H taken as XᵀX).
     */
    public static double sweep(double[] w, int rows, InverseHessian h, int blockSize, Rule rule) {
        return sweep(w, rows, h, blockSize, rule, Cholesky.NATIVE);
    }

    /** As above; the trailing updates by one native dgemm per block unless {@code blas} is null. */
    public static double sweep(double[] w, int rows, InverseHessian h, int blockSize, Rule rule, NativeDense blas) {
        int n = h.n();
        if ((long) rows * n != w.length) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + "x" + n);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        double[] u = h.u();
        int chunks = (rows + ROWS - 1) / ROWS;
        double[] loss = new double[chunks];
        // with native BLAS every row's block errors go into one [rows, B] matrix for a single dgemm
        double[] errors = blas == null ? null : new double[rows * Math.min(blockSize, n)];
        for (int i1 = 0; i1 < n; i1 += blockSize) {
            final int b1 = i1;
            final int b2 = Math.min(n, i1 + blockSize);
            rule.startBlock(w, b1, b2);
            IntStream cs = IntStream.range(0, chunks);
            (rows * (long) n >= 1 << 16 ? cs.parallel() : cs).forEach(c ->
                    loss[c] += block(w, rows, n, u, b1, b2, c * ROWS, Math.min(rows, (c + 1) * ROWS), rule, errors));
            if (errors != null) {
                int count = b2 - b1;
                // W[:, i2:] −= E·U[i1:i2, i2:]
                blas.dgemm(rows, n - b2, count, -1, errors, 0, count, u, b1 * n + b2, n, 1, w, b2, n);
            }
        }
        double total = 0;
        for (double l : loss) {
            total += l;
        }
        return total;
    }

    private static double block(double[] w, int rows, int n, double[] u, int i1, int i2, int r0, int r1, Rule rule,
                                double[] errors) {
        int count = i2 - i1;
        int k = r1 - r0;
        double[] blk = new double[k * count];
        double[] err = new double[k * count];
        for (int r = 0; r < k; r++) {
            System.arraycopy(w, (r0 + r) * n + i1, blk, r * count, count);
        }
        double loss = 0;
        for (int i = 0; i < count; i++) {
            int col = i1 + i;
            double d = u[col * n + col];
            int urow = col * n + i1;
            for (int r = 0; r < k; r++) {
                int off = r * count;
                double x = blk[off + i];
                double q = rule.round(r0 + r, col, blk, off, i, w);
                double e = (x - q) / d;
                loss += e * e / 2;
                blk[off + i] = q;
                err[off + i] = e;
                if (e != 0) {
                    for (int j = i + 1; j < count; j++) {
                        blk[off + j] -= e * u[urow + j];
                    }
                }
            }
        }
        for (int r = 0; r < k; r++) {
            System.arraycopy(blk, r * count, w, (r0 + r) * n + i1, count);
        }
        if (errors != null) {
            System.arraycopy(err, 0, errors, r0 * count, k * count);
            return loss;
        }
        for (int t0 = i2; t0 < n; t0 += TILE) {
            int t1 = Math.min(n, t0 + TILE);
            for (int r = 0; r < k; r++) {
                int row = (r0 + r) * n;
                for (int i = 0; i < count; i++) {
                    double e = err[r * count + i];
                    if (e != 0) {
                        int urow = (i1 + i) * n;
                        for (int j = t0; j < t1; j++) {
                            w[row + j] -= e * u[urow + j];
                        }
                    }
                }
            }
        }
        return loss;
    }
}
