package dev.loupe.linalg;

import dev.loupe.linalg.openblas.NativeDense;

/**
 * A running XᵀX over rows of X that arrive a few at a time (calibration activations for GPTQ and SparseGPT). Rows
 * are buffered into a block of {@link #BLOCK} and each full block is summed by one native {@code ssyrk} (half the
 * flops of a gemm, all cores) into a float partial that is added to the double total, so float rounding spans one
 * block of rows, never the whole calibration set. Where native OpenBLAS does not load, each row is a rank-1 update
 * in double (plain Java, two orders of magnitude slower on MiniLM-sized layers).
 */
public final class GramSum {
    /** Rows per native call: large enough that ssyrk runs at BLAS-3 speed, small enough to keep the float sum short. */
    public static final int BLOCK = 256;

    private final int n;
    private final NativeDense blas;
    /** The upper triangle of the running sum (row-major n×n). */
    private final double[] upper;
    private final float[] rowsBuffer;
    private final float[] partial;
    private int buffered;
    private long rows;

    /** Native when it loads here, else plain Java. */
    public GramSum(int n) {
        this(n, NativeDense.loadOrNull());
    }

    /** With {@code blas} null, plain Java (tests compare the two). */
    public GramSum(int n, NativeDense blas) {
        if (n < 1) {
            throw new IllegalArgumentException("need at least one column, got " + n);
        }
        this.n = n;
        this.blas = blas;
        this.upper = new double[Math.multiplyExact(n, n)];
        this.rowsBuffer = blas == null ? null : new float[BLOCK * n];
        this.partial = blas == null ? null : new float[n * n];
    }

    /** Columns of X. */
    public int n() {
        return n;
    }

    /** Rows added so far. */
    public long rows() {
        return rows;
    }

    /** Adds {@code count} rows of row-major {@code x} starting at element {@code offset}. */
    public void add(float[] x, int offset, int count) {
        for (int r = 0; r < count; r++) {
            addRow(x, offset + r * n);
        }
    }

    /** Adds one row, {@code x[offset .. offset + n)}. */
    public void addRow(float[] x, int offset) {
        rows++;
        if (blas == null) {
            for (int i = 0; i < n; i++) {
                double xi = x[offset + i];
                if (xi != 0) {
                    int row = i * n;
                    for (int j = i; j < n; j++) {
                        upper[row + j] += xi * x[offset + j];
                    }
                }
            }
            return;
        }
        System.arraycopy(x, offset, rowsBuffer, buffered * n, n);
        if (++buffered == BLOCK) {
            flush();
        }
    }

    /** XᵀX of every row added, row-major with both triangles (a new array). */
    public double[] full() {
        if (buffered > 0) {
            flush();
        }
        double[] g = upper.clone();
        Matrices.mirrorUpper(g, n);
        return g;
    }

    private void flush() {
        blas.ssyrkUpper(rowsBuffer, buffered, n, 0f, partial);
        for (int i = 0; i < n; i++) {
            int row = i * n;
            for (int j = i; j < n; j++) {
                upper[row + j] += partial[row + j];
            }
        }
        buffered = 0;
    }
}
