package dev.loupe.linalg.sketch;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The top-k eigenvalues of the smaller-side Gram of W by Lanczos with full reorthogonalization,
 * matrix-free: each step is one product with W and one with Wᵀ. Full reorthogonalization costs
 * O(steps·n) per step, negligible next to the products, and removes the ghost eigenvalues plain
 * Lanczos produces. Each Ritz value θ carries the residual bound |β·s_last|: an exact eigenvalue lies
 * within it (Parlett, The Symmetric Eigenvalue Problem, Thm 13.1.1 / Kahan's bound for Krylov spaces).
 * Stops when every bound is below {@code relTol}·θ_max, or the space became invariant, or after
 * {@code maxSteps}. Written by hand because EJML/OpenBLAS offer no matrix-free Lanczos for the JVM.
 */
public final class TopEigenvalues {
    private static final int CHECK_EVERY = 8;

    private TopEigenvalues() {
    }

    /**
     * @param w        the matrix (only products with it are used)
     * @param k        how many of the largest eigenvalues (1 ≤ k ≤ min(rows, cols))
     * @param relTol   convergence target for every bound, relative to the largest eigenvalue
     * @param maxSteps at most this many steps (capped at min(rows, cols))
     * @param seed     for the start vector
     */
    public static TopSpectrum of(MatrixProducts w, int k, double relTol, int maxSteps, long seed) {
        int n = Math.min(w.rows(), w.cols());
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in 1.." + n + ", got " + k);
        }
        boolean inner = w.cols() <= w.rows(); // WᵀW acts on vectors of length cols, WWᵀ on length rows
        double[] tmp = new double[inner ? w.rows() : w.cols()];
        int cap = Math.min(n, Math.max(maxSteps, k));

        List<double[]> q = new ArrayList<>();
        double[] alpha = new double[cap];
        double[] beta = new double[cap];
        q.add(unitRandom(n, seed));
        double[] v = new double[n];
        TopSpectrum last = null;
        double normEstimate = 0; // max |α|+β so far, a lower bound on ‖G‖ that scales the breakdown test
        for (int j = 0; j < cap; j++) {
            double[] qj = q.get(j);
            if (inner) {
                w.times(qj, tmp);
                w.transposeTimes(tmp, v);
            } else {
                w.transposeTimes(qj, tmp);
                w.times(tmp, v);
            }
            alpha[j] = dot(qj, v);
            for (int pass = 0; pass < 2; pass++) { // classical Gram–Schmidt twice is enough (Giraud et al. 2005)
                for (double[] qi : q) {
                    axpy(-dot(qi, v), qi, v);
                }
            }
            beta[j] = Math.sqrt(dot(v, v));
            normEstimate = Math.max(normEstimate, Math.abs(alpha[j]) + beta[j]);
            int m = j + 1;
            // β at rounding level: the Krylov space is invariant (rank reached); bounds stay honest (≤ β).
            boolean invariant = beta[j] <= 1e-12 * normEstimate || m == n;
            if (invariant || m == cap || (m >= k && m % CHECK_EVERY == 0)) {
                last = ritz(alpha, beta, m, k, invariant);
                if (invariant || m == cap || last.maxRelativeBound() <= relTol) {
                    return new TopSpectrum(last.eigenvalues(), last.errorBounds(), m, invariant);
                }
            }
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                next[i] = v[i] / beta[j];
            }
            q.add(next);
        }
        throw new AssertionError("unreachable: the loop returns at m == cap");
    }

    /** Eigen-decomposition of the m x m tridiagonal T (small), top k Ritz values and their residual bounds. */
    private static TopSpectrum ritz(double[] alpha, double[] beta, int m, int k, boolean invariant) {
        // At m == n the Krylov space is the whole space: Ritz values are the eigenvalues (β is rounding noise).
        DMatrixRMaj t = new DMatrixRMaj(m, m);
        for (int i = 0; i < m; i++) {
            t.set(i, i, alpha[i]);
            if (i + 1 < m) {
                t.set(i, i + 1, beta[i]);
                t.set(i + 1, i, beta[i]);
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, true, true);
        if (!eig.decompose(t)) {
            throw new ArithmeticException("tridiagonal eigen-decomposition did not converge (m=" + m + ")");
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).real, eig.getEigenvalue(a).real));
        int kk = Math.min(k, m);
        double[] values = new double[kk];
        double[] bounds = new double[kk];
        for (int i = 0; i < kk; i++) {
            values[i] = eig.getEigenvalue(order[i]).real;
            DMatrixRMaj s = eig.getEigenVector(order[i]);
            bounds[i] = Math.abs(beta[m - 1] * s.get(m - 1) / norm(s));
        }
        return new TopSpectrum(values, bounds, m, invariant);
    }

    private static double norm(DMatrixRMaj s) {
        double sum = 0;
        for (int i = 0; i < s.getNumElements(); i++) {
            sum += s.get(i) * s.get(i);
        }
        return Math.sqrt(sum);
    }

    private static double[] unitRandom(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble(-1, 1);
        }
        double norm = Math.sqrt(dot(x, x));
        for (int i = 0; i < n; i++) {
            x[i] /= norm;
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s0 = 0, s1 = 0;
        int i = 0;
        for (; i + 1 < a.length; i += 2) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
        }
        if (i < a.length) {
            s0 += a[i] * b[i];
        }
        return s0 + s1;
    }

    private static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }
}
