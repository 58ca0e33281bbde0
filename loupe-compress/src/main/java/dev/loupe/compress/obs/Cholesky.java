package dev.loupe.compress.obs;

import dev.loupe.linalg.openblas.NativeDense;

import java.util.stream.IntStream;

/**
 * Cholesky factorization and lower-triangular inversion of row-major n×n double matrices, what GPTQ and SparseGPT
 * need for their inverse-Hessian factor ({@link InverseHessian}). Native LAPACK ({@code dpotrf}, {@code dtrtri}
 * through {@link NativeDense}) where OpenBLAS loads: on a LLaMA-7B MLP input (n = 11008) the pure-Java code takes
 * tens of minutes on two shared cores. The pure-Java fallback is written so the inner loops run over contiguous
 * rows (which the JIT vectorizes) and the O(n³) parts split across cores.
 */
public final class Cholesky {
    /** The native kernels, or null where they do not load (the Java code below then runs). */
    public static final NativeDense NATIVE = NativeDense.loadOrNull();

    /** Columns per right-looking panel. */
    private static final int PANEL = 64;
    /** Below this many rows of work a loop stays on one thread. */
    private static final int PARALLEL_MIN = 192;

    private Cholesky() {
    }

    /**
     * Overwrites {@code a} (symmetric, only its lower triangle read) with its lower Cholesky factor L, A = L·Lᵀ,
     * the strict upper triangle set to 0. Right-looking by panels: factor the diagonal block, solve the panel
     * below it, subtract its outer product from the trailing lower triangle (the parallel, dominant part).
     *
     * @return false when A is not (numerically) positive definite; {@code a} is then garbage
     */
    public static boolean factor(double[] a, int n) {
        return factor(a, n, NATIVE);
    }

    /** As {@link #factor(double[], int)}, natively unless {@code blas} is null. */
    public static boolean factor(double[] a, int n, NativeDense blas) {
        if (blas != null) {
            if (!blas.choleskyLower(a, n)) {
                return false;
            }
            zeroUpper(a, n);
            return true;
        }
        for (int k0 = 0; k0 < n; k0 += PANEL) {
            final int p0 = k0;
            final int p1 = Math.min(n, k0 + PANEL);
            for (int i = p0; i < p1; i++) {
                for (int j = p0; j <= i; j++) {
                    double s = a[i * n + j];
                    for (int k = p0; k < j; k++) {
                        s -= a[i * n + k] * a[j * n + k];
                    }
                    if (i == j) {
                        if (!(s > 0)) {
                            return false;
                        }
                        a[i * n + i] = Math.sqrt(s);
                    } else {
                        a[i * n + j] = s / a[j * n + j];
                    }
                }
            }
            rows(p1, n, i -> {
                for (int j = p0; j < p1; j++) {
                    double s = a[i * n + j];
                    for (int k = p0; k < j; k++) {
                        s -= a[i * n + k] * a[j * n + k];
                    }
                    a[i * n + j] = s / a[j * n + j];
                }
            });
            int m = n - p1;
            int width = p1 - p0;
            double[] panelT = new double[width * m];
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < width; k++) {
                    panelT[k * m + j] = a[(p1 + j) * n + p0 + k];
                }
            }
            rows(p1, n, i -> {
                int row = i * n;
                int len = i - p1 + 1;
                for (int k = 0; k < width; k++) {
                    double l = a[row + p0 + k];
                    if (l != 0) {
                        int off = k * m;
                        for (int j = 0; j < len; j++) {
                            a[row + p1 + j] -= l * panelT[off + j];
                        }
                    }
                }
            });
        }
        zeroUpper(a, n);
        return true;
    }

    private static void zeroUpper(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(a, i * n + i + 1, (i + 1) * n, 0.0);
        }
    }

    /**
     * The inverse of lower-triangular {@code l} (nonzero diagonal), lower-triangular, as a new array. Row i of
     * M = L⁻¹ is −(Σ_{k<i} L_ik·M_k)/L_ii plus 1/L_ii on the diagonal: whole-row updates, and column strips
     * are independent, so strips go to different cores.
     */
    public static double[] invertLower(double[] l, int n) {
        return invertLower(l, n, NATIVE);
    }

    /** As {@link #invertLower(double[], int)}, natively unless {@code blas} is null. */
    public static double[] invertLower(double[] l, int n, NativeDense blas) {
        if (blas != null) {
            double[] m = l.clone();
            zeroUpper(m, n);
            blas.invertLower(m, n);
            return m;
        }
        double[] m = new double[n * n];
        int strip = Math.max(32, (n + 15) / 16);
        IntStream range = IntStream.range(0, (n + strip - 1) / strip);
        (n >= PARALLEL_MIN ? range.parallel() : range).forEach(s -> {
            int c0 = s * strip;
            int c1 = Math.min(n, c0 + strip);
            for (int i = c0; i < n; i++) {
                int row = i * n;
                int hi = Math.min(c1, i);
                for (int k = c0; k < i; k++) {
                    double lik = l[row + k];
                    if (lik != 0) {
                        int src = k * n;
                        int top = Math.min(hi, k + 1);
                        for (int j = c0; j < top; j++) {
                            m[row + j] -= lik * m[src + j];
                        }
                    }
                }
                double d = l[row + i];
                for (int j = c0; j < hi; j++) {
                    m[row + j] /= d;
                }
                if (i < c1) {
                    m[row + i] = 1 / d;
                }
            }
        });
        return m;
    }

    private static void rows(int from, int to, java.util.function.IntConsumer body) {
        IntStream r = IntStream.range(from, to);
        (to - from >= PARALLEL_MIN ? r.parallel() : r).forEach(body);
    }
}
