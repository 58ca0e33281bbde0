package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Eigenvalue spectral density by stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian's
 * {@code hessian.density}: iter 100, n_v 1). Each run: m Lanczos steps from a Rademacher vector with
 * full reorthogonalization; the tridiagonal T's eigenvalues are quadrature nodes and the squared first
 * components of its eigenvectors their weights. The density is the nodes' weights averaged over runs,
 * each node broadened by a Gaussian of variance σ² ({@link HessianAnalysis} picks grid and σ² as
 * PyHessian's density_generate does).
 */
public final class SpectralDensity {
    private SpectralDensity() {
    }

    /** Quadrature nodes and weights of all runs (weights of each run sum to 1; total sums to runs). */
    public record Quadrature(double[] nodes, double[] weights, int runs) {

        /** Density on {@code grid}, normalized to integrate to 1 over the real line. */
        public double[] density(double[] grid, double sigma2) {
            double[] d = new double[grid.length];
            double c = 1 / Math.sqrt(2 * Math.PI * sigma2);
            for (int g = 0; g < grid.length; g++) {
                double s = 0;
                for (int i = 0; i < nodes.length; i++) {
                    double t = grid[g] - nodes[i];
                    s += weights[i] * c * Math.exp(-t * t / (2 * sigma2));
                }
                d[g] = s / runs;
            }
            return d;
        }
    }

    public static Quadrature lanczos(HessianVectorProduct h, int steps, int runs, long seed, Progress progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Double> nodes = new ArrayList<>(), weights = new ArrayList<>();
        int m = Math.min(steps, h.dimension());
        progress.start("spectral density", (long) runs * m);
        try {
            for (int r = 0; r < runs; r++) {
                List<double[]> basis = new ArrayList<>();
                double[] v = Vectors.rademacher(h.dimension(), rnd);
                Vectors.normalize(v);
                double[] alpha = new double[m], beta = new double[m];
                int used = 0;
                for (int j = 0; j < m; j++) {
                    basis.add(v);
                    double[] w = h.apply(v);
                    progress.advance(1);
                    alpha[j] = Vectors.dot(w, v);
                    used = j + 1;
                    // full reorthogonalization against every Lanczos vector, twice
                    for (int pass = 0; pass < 2; pass++) {
                        for (double[] u : basis) {
                            Vectors.subtract(w, Vectors.dot(w, u), u);
                        }
                    }
                    double b = Vectors.norm(w);
                    if (j == m - 1 || b < 1e-10 * Math.max(1, Math.abs(alpha[j]))) {
                        break; // Krylov space exhausted (exact for a small operator)
                    }
                    beta[j] = b;
                    Vectors.scale(w, 1 / b);
                    v = w;
                }
                progress.advance(m - used);
                DMatrixRMaj t = new DMatrixRMaj(used, used);
                for (int i = 0; i < used; i++) {
                    t.set(i, i, alpha[i]);
                    if (i + 1 < used) {
                        t.set(i, i + 1, beta[i]);
                        t.set(i + 1, i, beta[i]);
                    }
                }
                EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(used, true, true);
                if (!eig.decompose(t)) {
                    throw new IllegalStateException("tridiagonal eigen-decomposition failed");
                }
                for (int i = 0; i < used; i++) {
                    DMatrixRMaj vec = eig.getEigenVector(i);
                    double first = vec.get(0) / normOf(vec);
                    nodes.add(eig.getEigenvalue(i).getReal());
                    weights.add(first * first);
                }
            }
        } finally {
            progress.done();
        }
        return new Quadrature(nodes.stream().mapToDouble(Double::doubleValue).toArray(),
                weights.stream().mapToDouble(Double::doubleValue).toArray(), runs);
    }

    private static double normOf(DMatrixRMaj v) {
        double s = 0;
        for (int i = 0; i < v.getNumElements(); i++) {
            s += v.get(i) * v.get(i);
        }
        return Math.sqrt(s);
    }
}
