package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.sketch.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Top-k eigenpairs of the Hessian by power iteration with deflation, as PyHessian's
 * {@code hessian.eigenvalues} does it: a Gaussian start vector per eigenvalue, orthonormalized against
 * the eigenvectors found so far at every step; stop when |λ − λ_prev| / (|λ_prev| + 1e-6) &lt; tol or
 * after maxIter steps (PyHessian defaults: maxIter 100, tol 1e-3). Eigenvalues come in order of
 * decreasing magnitude (power iteration finds the dominant one, which may be negative).
 */
public final class PowerIteration {
    private PowerIteration() {
    }

    /**
     * The residual of each eigenvalue is ‖Hv − λv‖ of the last iterate v and its Rayleigh quotient λ = vᵀHv, from
     * the product the last step took anyway.
     */
    public static TopEigen top(HessianVectorProduct h, int k, int maxIter, double tol, long seed, Progress progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<double[]> vecs = new ArrayList<>();
        double[] values = new double[k];
        int[] iters = new int[k];
        double[] residuals = new double[k];
        int hvps = 0;
        progress.start("Hessian eigenvalues", (long) k * maxIter);
        try {
            for (int e = 0; e < k; e++) {
                double[] v = Vectors.gaussian(h.dimension(), rnd);
                Vectors.orthonormalize(v, vecs);
                double lambda = Double.NaN;
                int it = 0;
                while (it < maxIter) {
                    it++;
                    progress.advance(1);
                    double[] hv = h.apply(v);
                    hvps++;
                    double next = Vectors.dot(hv, v);
                    double[] r = hv.clone();
                    Vectors.subtract(r, next, v);
                    residuals[e] = Vectors.norm(r);
                    v = hv;
                    Vectors.orthonormalize(v, vecs);
                    boolean converged = !Double.isNaN(lambda) && Math.abs(next - lambda) / (Math.abs(lambda) + 1e-6) < tol;
                    lambda = next;
                    if (converged) {
                        break;
                    }
                }
                progress.advance((long) maxIter - it);
                values[e] = lambda;
                iters[e] = it;
                vecs.add(v);
            }
        } finally {
            progress.done();
        }
        return new TopEigen(values, residuals, List.copyOf(vecs), iters, hvps);
    }
}
