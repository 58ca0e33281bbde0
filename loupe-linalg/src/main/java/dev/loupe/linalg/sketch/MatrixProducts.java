package dev.loupe.linalg.sketch;

import dev.loupe.linalg.Matrices;

/**
 * A matrix known only through products with it and its transpose: all that {@link TopEigenvalues}
 * needs, so huge layers can be streamed or kept off-heap by the implementation.
 */
public interface MatrixProducts {
    int rows();

    int cols();

    /** y = W·x, with x of length cols and y of length rows (overwritten). */
    void times(double[] x, double[] y);

    /** y = Wᵀ·x, with x of length rows and y of length cols (overwritten). */
    void transposeTimes(double[] x, double[] y);

    /** Products with a row-major dense array (not copied, not modified). */
    static MatrixProducts dense(double[] a, int rows, int cols) {
        Matrices.checkShape(a.length, rows, cols);
        return new MatrixProducts() {
            @Override
            public int rows() {
                return rows;
            }

            @Override
            public int cols() {
                return cols;
            }

            @Override
            public void times(double[] x, double[] y) {
                for (int i = 0; i < rows; i++) {
                    int o = i * cols;
                    // Four partial sums: breaks the add dependency chain the JIT cannot reorder.
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                    int j = 0;
                    for (; j + 3 < cols; j += 4) {
                        s0 += a[o + j] * x[j];
                        s1 += a[o + j + 1] * x[j + 1];
                        s2 += a[o + j + 2] * x[j + 2];
                        s3 += a[o + j + 3] * x[j + 3];
                    }
                    for (; j < cols; j++) {
                        s0 += a[o + j] * x[j];
                    }
                    y[i] = (s0 + s1) + (s2 + s3);
                }
            }

            @Override
            public void transposeTimes(double[] x, double[] y) {
                java.util.Arrays.fill(y, 0);
                for (int i = 0; i < rows; i++) {
                    int o = i * cols;
                    double xi = x[i];
                    for (int j = 0; j < cols; j++) {
                        y[j] += xi * a[o + j]; // axpy over a row: contiguous, vectorized by the JIT
                    }
                }
            }
        };
    }
}
