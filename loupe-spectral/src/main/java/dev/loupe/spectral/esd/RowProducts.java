package dev.loupe.spectral.esd;

import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.sketch.MatrixProducts;

/**
 * Products with a row-major float matrix for the Lanczos sketch, read block of rows by block of rows:
 * from a decoded array, or straight from the (memory-mapped) tensor when it does not fit in one Java
 * array. Float storage halves the memory of {@link MatrixProducts#dense}; the sums are in double.
 */
public final class RowProducts implements MatrixProducts {
    private static final int BLOCK_ELEMENTS = 1 << 20;
    private final float[] array;
    private final Tensor tensor;
    private final int rows;
    private final int cols;

    private RowProducts(float[] array, Tensor tensor, int rows, int cols) {
        this.array = array;
        this.tensor = tensor;
        this.rows = rows;
        this.cols = cols;
    }

    public static RowProducts of(float[] a, int rows, int cols) {
        if ((long) rows * cols != a.length) {
            throw new IllegalArgumentException(a.length + " values for " + rows + "x" + cols);
        }
        return new RowProducts(a, null, rows, cols);
    }

    /** Streams a rank-2 (or leading-dims-flattened) tensor: only one block of rows is decoded at a time. */
    public static RowProducts streaming(Tensor t, int rows, int cols) {
        if ((long) rows * cols != t.numel()) {
            throw new IllegalArgumentException(t.numel() + " values for " + rows + "x" + cols);
        }
        return new RowProducts(null, t, rows, cols);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    /** Σ w², exact in double: the trace of the Gram, i.e. the sum of ALL eigenvalues. */
    public double frobeniusSquared() {
        double[] s = new double[1];
        forEachBlock((buf, r0, nr) -> {
            for (int i = 0; i < nr * cols; i++) {
                s[0] += (double) buf[i] * buf[i];
            }
        });
        return s[0];
    }

    @Override
    public void times(double[] x, double[] y) {
        forEachBlock((buf, r0, nr) -> {
            for (int r = 0; r < nr; r++) {
                double s = 0;
                int o = r * cols;
                for (int j = 0; j < cols; j++) {
                    s += buf[o + j] * x[j];
                }
                y[r0 + r] = s;
            }
        });
    }

    @Override
    public void transposeTimes(double[] x, double[] y) {
        java.util.Arrays.fill(y, 0);
        forEachBlock((buf, r0, nr) -> {
            for (int r = 0; r < nr; r++) {
                double xi = x[r0 + r];
                int o = r * cols;
                for (int j = 0; j < cols; j++) {
                    y[j] += xi * buf[o + j];
                }
            }
        });
    }

    private interface Block {
        void accept(float[] buf, int firstRow, int nRows);
    }

    private void forEachBlock(Block b) {
        if (array != null) {
            // the whole array is one block: row offsets are then relative to row 0
            b.accept(array, 0, rows);
            return;
        }
        int per = Math.max(1, BLOCK_ELEMENTS / Math.max(1, cols));
        float[] buf = new float[(int) Math.min((long) per * cols, (long) rows * cols)];
        for (int r0 = 0; r0 < rows; r0 += per) {
            int nr = Math.min(per, rows - r0);
            tensor.readFloats((long) r0 * cols, buf, 0, nr * cols);
            b.accept(buf, r0, nr);
        }
    }
}
