package dev.loupe.linalg;

import java.util.Arrays;
import java.util.Random;

/**
 * Test matrices with known singular values: A = U·diag(s)·Vᵀ with U (rows x k) and V (cols x k)
 * having orthonormal columns from a seeded QR (modified Gram–Schmidt, applied twice for full
 * double-precision orthogonality) of Gaussian matrices. The Gram of the smaller side then has
 * exactly the eigenvalues s², independently of any backend.
 */
public record KnownSpectrum(double[] a, int rows, int cols, double[] singularValues) {

    /** Singular values spread evenly over 0.1 .. 10 (distinct). */
    static KnownSpectrum of(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        int k = Math.min(rows, cols);
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            s[i] = 0.1 + 9.9 * i / Math.max(1, k - 1) + 0.01 * rnd.nextDouble();
        }
        return of(rows, cols, s, seed);
    }

    /** The given singular values (at most min(rows, cols) of them). */
    public static KnownSpectrum of(int rows, int cols, double[] s, long seed) {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        int k = s.length;
        double[][] u = orthonormalColumns(rows, k, rnd);
        double[][] v = orthonormalColumns(cols, k, rnd);
        double[] a = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                for (int t = 0; t < k; t++) {
                    sum += u[t][i] * s[t] * v[t][j];
                }
                a[i * cols + j] = sum;
            }
        }
        return new KnownSpectrum(a, rows, cols, s);
    }

    /** s², ascending: the expected ESD. */
    double[] expectedEigenvalues() {
        double[] ev = Arrays.stream(singularValues).map(x -> x * x).toArray();
        Arrays.sort(ev);
        return ev;
    }

    float[] aAsFloat() {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    /** k orthonormal columns of length n, returned as k arrays (column-wise). */
    private static double[][] orthonormalColumns(int n, int k, Random rnd) {
        double[][] q = new double[k][n];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                q[c][i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += q[p][i] * q[c][i];
                    }
                    for (int i = 0; i < n; i++) {
                        q[c][i] -= dot * q[p][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[c][i] * q[c][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[c][i] /= norm;
            }
        }
        return q;
    }

    /** The smaller-side Gram by the defining triple loop, in double. */
    static double[] naiveGram(double[] a, int rows, int cols) {
        boolean inner = cols <= rows;
        int k = Math.min(rows, cols);
        double[] g = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double sum = 0;
                if (inner) {
                    for (int r = 0; r < rows; r++) {
                        sum += a[r * cols + i] * a[r * cols + j];
                    }
                } else {
                    for (int c = 0; c < cols; c++) {
                        sum += a[i * cols + c] * a[j * cols + c];
                    }
                }
                g[i * k + j] = sum;
            }
        }
        return g;
    }
}
