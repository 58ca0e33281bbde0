package dev.loupe.compress.obs;

import java.util.Random;

/**
 * The direct, textbook computations the OBS kernels are checked against: Gauss-Jordan inverses and the
 * least-squares optimum of the not-yet-fixed columns, argmin_v ‖X_D q_D + X_F v − X w‖², which is
 * v = w_F + H_FF⁻¹·H_FD·(w_D − q_D). No Cholesky, no lazy batches, no recurrences.
 */
public final class DirectObs {
    private DirectObs() {
    }

    /** Inverse of a square matrix by Gauss-Jordan elimination with partial pivoting. */
    public static double[] inverse(double[] a, int n) {
        double[] m = a.clone();
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            inv[i * n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) {
                    p = r;
                }
            }
            swap(m, n, c, p);
            swap(inv, n, c, p);
            double d = m[c * n + c];
            for (int j = 0; j < n; j++) {
                m[c * n + j] /= d;
                inv[c * n + j] /= d;
            }
            for (int r = 0; r < n; r++) {
                double f = m[r * n + c];
                if (r != c && f != 0) {
                    for (int j = 0; j < n; j++) {
                        m[r * n + j] -= f * m[c * n + j];
                        inv[r * n + j] -= f * inv[c * n + j];
                    }
                }
            }
        }
        return inv;
    }

    private static void swap(double[] m, int n, int a, int b) {
        for (int j = 0; j < n && a != b; j++) {
            double t = m[a * n + j];
            m[a * n + j] = m[b * n + j];
            m[b * n + j] = t;
        }
    }

    /** The submatrix of rows {@code rs} and columns {@code cs}. */
    public static double[] sub(double[] h, int n, int[] rs, int[] cs) {
        double[] s = new double[rs.length * cs.length];
        for (int i = 0; i < rs.length; i++) {
            for (int j = 0; j < cs.length; j++) {
                s[i * cs.length + j] = h[rs[i] * n + cs[j]];
            }
        }
        return s;
    }

    /**
     * The least-squares optimum of the columns {@code order[i..]} of one row, given that columns
     * {@code order[0..i)} are fixed at {@code fixed} (indexed by original column). Returns values for
     * positions i..n−1 of the order.
     */
    public static double[] optimum(double[] h, int n, double[] w, double[] fixed, int[] order, int i) {
        int[] f = java.util.Arrays.copyOfRange(order, i, n);
        int[] d = java.util.Arrays.copyOfRange(order, 0, i);
        double[] hffInv = inverse(sub(h, n, f, f), f.length);
        double[] hfd = sub(h, n, f, d);
        double[] t = new double[f.length];
        for (int a = 0; a < f.length; a++) {
            for (int b = 0; b < d.length; b++) {
                t[a] += hfd[a * d.length + b] * (w[d[b]] - fixed[d[b]]);
            }
        }
        double[] v = new double[f.length];
        for (int a = 0; a < f.length; a++) {
            v[a] = w[f[a]];
            for (int b = 0; b < f.length; b++) {
                v[a] += hffInv[a * f.length + b] * t[b];
            }
        }
        return v;
    }

    /** [H_FF⁻¹]_00 for F = order[i..]: the squared diagonal of the upper Cholesky factor of H⁻¹. */
    public static double inverseDiagonal(double[] h, int n, int[] order, int i) {
        int[] f = java.util.Arrays.copyOfRange(order, i, n);
        return inverse(sub(h, n, f, f), f.length)[0];
    }

    /** ½·(w − q)ᵀH(w − q) summed over rows: the layer's output error the sweeps minimize. */
    public static double objective(double[] h, int n, float[] w, float[] q, int rows) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    total += 0.5 * (w[r * n + i] - q[r * n + i]) * h[i * n + j] * (w[r * n + j] - q[r * n + j]);
                }
            }
        }
        return total;
    }

    /** XᵀX of {@code tokens} random inputs with correlated channels (a shared factor), n × n. */
    public static double[] gram(int tokens, int n, long seed) {
        Random rnd = new Random(seed);
        double[] h = new double[n * n];
        double[] x = new double[n];
        for (int t = 0; t < tokens; t++) {
            double common = rnd.nextGaussian();
            for (int c = 0; c < n; c++) {
                x[c] = (1 + c % 3) * rnd.nextGaussian() + 0.8 * common;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    h[i * n + j] += x[i] * x[j];
                }
            }
        }
        return h;
    }

    /** H + λI with λ = fraction · mean diagonal (the references' dampening; no dead inputs). */
    public static double[] dampened(double[] h, int n, double fraction) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += h[i * n + i] / n;
        }
        double[] d = h.clone();
        for (int i = 0; i < n; i++) {
            d[i * n + i] += fraction * mean;
        }
        return d;
    }

    /** Seeded N(0, 1) weights. */
    public static float[] weights(int rows, int cols, long seed) {
        Random rnd = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        return w;
    }
}
