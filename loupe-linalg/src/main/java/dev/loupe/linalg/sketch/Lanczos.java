package dev.loupe.linalg.sketch;

import dev.loupe.core.progress.Progress;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lanczos with full reorthogonalization on a symmetric operator, the one engine behind the top eigenvalues of
 * layer Grams ({@link TopEigenvalues}), of loss Hessians (top-k and the stochastic Lanczos quadrature of the
 * density, in loupe-landscape) and of per-layer Hessian blocks. After m steps, AQ = QT + β_m q_{m+1}e_mᵀ, so a
 * Ritz pair (θ, y = Qs) of the tridiagonal T has residual ‖Ay − θy‖ = |β_m|·|s_m| exactly, and some eigenvalue
 * of A lies within that distance of θ (Parlett, The Symmetric Eigenvalue Problem, Thm 11.5.1 / 13.1.1). Full
 * reorthogonalization (classical Gram–Schmidt twice against every Lanczos vector, Giraud et al. 2005) costs
 * O(steps·n) per step, negligible next to the products, keeps Q orthonormal in floating point, so the identity
 * holds to rounding and no ghost copies of converged eigenvalues appear, as they do in plain Lanczos. Written by
 * hand because EJML/OpenBLAS offer no matrix-free Lanczos for the JVM.
 */
public final class Lanczos {
    /** β at or below this times the largest |α| + β seen: the Krylov space is invariant (rank reached). */
    private static final double BREAKDOWN = 1e-12;

    private Lanczos() {
    }

    /**
     * The state after {@link #steps} steps: the tridiagonal T (diagonal {@code alpha}, off-diagonal {@code beta},
     * {@code beta[steps − 1]} the norm of the last residual), the orthonormal Lanczos vectors, and whether the
     * Krylov space became invariant (then the Ritz values are eigenvalues of A up to rounding).
     */
    public record Decomposition(double[] alpha, double[] beta, int steps, List<double[]> basis, boolean invariant) {

        /** Every Ritz pair of T, by decreasing Ritz value. */
        public Ritz ritz() {
            int m = steps;
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
                throw new ArithmeticException("tridiagonal eigen-decomposition did not converge (" + m + " steps)");
            }
            Integer[] order = new Integer[m];
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(eig.getEigenvalue(b).getReal(), eig.getEigenvalue(a).getReal()));
            double[] values = new double[m], first = new double[m], bounds = new double[m];
            double[][] vectors = new double[m][];
            for (int i = 0; i < m; i++) {
                values[i] = eig.getEigenvalue(order[i]).getReal();
                DMatrixRMaj s = eig.getEigenVector(order[i]);
                double[] u = new double[m];
                for (int j = 0; j < m; j++) {
                    u[j] = s.get(j);
                }
                Vectors.normalize(u);
                vectors[i] = u;
                first[i] = u[0];
                bounds[i] = Math.abs(beta[m - 1] * u[m - 1]);
            }
            return new Ritz(values, vectors, first, bounds);
        }

        /** The unit Ritz vector Q·s of A for the coefficients {@code s} of T's eigenvector. */
        public double[] ritzVector(double[] s) {
            double[] y = new double[basis.getFirst().length];
            for (int j = 0; j < steps; j++) {
                Vectors.subtract(y, -s[j], basis.get(j));
            }
            Vectors.normalize(y);
            return y;
        }
    }

    /**
     * Ritz values (descending), T's unit eigenvectors, their first components (the SLQ weights are their
     * squares) and residual bounds |β_m·s_m|.
     */
    public record Ritz(double[] values, double[][] vectors, double[] firstComponents, double[] bounds) {
    }

    /**
     * Runs up to {@code maxSteps} steps from {@code start} (normalized here), asking {@code stop} after each and
     * advancing {@code progress} by one per product. Stops early on an invariant Krylov space.
     */
    public static Decomposition run(SymmetricOperator a, double[] start, int maxSteps, Predicate<Decomposition> stop,
                                    Progress progress) {
        int cap = Math.min(maxSteps, a.dimension());
        double[] alpha = new double[cap], beta = new double[cap];
        List<double[]> basis = new ArrayList<>();
        double[] v = start.clone();
        Vectors.normalize(v);
        double scale = 0;
        for (int j = 0; j < cap; j++) {
            basis.add(v);
            double[] w = a.apply(v);
            progress.advance(1);
            alpha[j] = Vectors.dot(w, v);
            for (int pass = 0; pass < 2; pass++) {
                for (double[] u : basis) {
                    Vectors.subtract(w, Vectors.dot(w, u), u);
                }
            }
            beta[j] = Vectors.norm(w);
            scale = Math.max(scale, Math.abs(alpha[j]) + beta[j]);
            boolean invariant = beta[j] <= BREAKDOWN * Math.max(scale, Double.MIN_NORMAL) || j + 1 == a.dimension();
            Decomposition d = new Decomposition(alpha, beta, j + 1, basis, invariant);
            if (invariant || j + 1 == cap || stop.test(d)) {
                return d;
            }
            Vectors.scale(w, 1 / beta[j]);
            v = w;
        }
        throw new IllegalArgumentException("Lanczos needs at least one step");
    }
}
