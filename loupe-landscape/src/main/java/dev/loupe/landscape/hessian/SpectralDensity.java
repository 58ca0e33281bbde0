package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.sketch.Lanczos;
import dev.loupe.linalg.sketch.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Eigenvalue spectral density by stochastic Lanczos quadrature (Ghorbani et al. 2019; PyHessian's
 * {@code hessian.density}: iter 100, n_v 1). Each run: m {@link Lanczos} steps from a Rademacher vector (full
 * reorthogonalization, the engine of the top eigenvalues too); the tridiagonal T's eigenvalues are quadrature nodes and the squared first
 * components of its eigenvectors their weights. The density is the nodes' weights averaged over runs,
 * each node broadened by a Gaussian of variance σ² ({@link HessianAnalysis} picks grid and σ² as
 * PyHessian's density_generate does).
 */
public final class SpectralDensity {
    /** Bytes the Lanczos bases of the runs advancing together may take. */
    static final long LOCKSTEP_BYTES = 2L << 30;

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
            List<double[]> starts = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                starts.add(Vectors.rademacher(h.dimension(), rnd));
            }
            // the runs are independent: h.batch() of them advance in lockstep, one batched product per step, as many as
            // keep their Lanczos bases (m vectors each, full reorthogonalization) within LOCKSTEP_BYTES
            int wave = (int) Math.max(1, Math.min(runs, LOCKSTEP_BYTES / ((m + 1L) * h.dimension() * 8)));
            List<Lanczos.Decomposition> decs = Lockstep.run(h, runs, wave, progress,
                    (r, op) -> Lanczos.run(op, starts.get(r), m, x -> false, Progress.NONE));
            for (Lanczos.Decomposition dec : decs) {
                progress.advance(m - dec.steps());
                Lanczos.Ritz ritz = dec.ritz();
                for (int i = 0; i < dec.steps(); i++) {
                    nodes.add(ritz.values()[i]);
                    weights.add(ritz.firstComponents()[i] * ritz.firstComponents()[i]);
                }
            }
        } finally {
            progress.done();
        }
        return new Quadrature(nodes.stream().mapToDouble(Double::doubleValue).toArray(),
                weights.stream().mapToDouble(Double::doubleValue).toArray(), runs);
    }
}
