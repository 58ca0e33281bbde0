package dev.loupe.linalg.sketch;

import dev.loupe.core.progress.Progress;

import java.util.SplittableRandom;

/**
 * The top-k eigenvalues of the smaller-side Gram of W by {@link Lanczos} (full reorthogonalization), matrix-free:
 * each step is one product with W and one with Wᵀ. Each Ritz value θ carries the residual bound |β·s_last|: an
 * exact eigenvalue lies within it. Stops when every bound is below {@code relTol}·θ_max (checked every
 * {@value #CHECK_EVERY} steps: the tridiagonal eigen-decomposition is not free at hundreds of steps), or the
 * space became invariant, or after {@code maxSteps}.
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
        Lanczos.Decomposition d = Lanczos.run(gram(w), unitRandom(n, seed), Math.max(maxSteps, k),
                dec -> dec.steps() >= k && dec.steps() % CHECK_EVERY == 0 && top(dec, k).maxRelativeBound() <= relTol,
                Progress.NONE);
        return top(d, k);
    }

    private static TopSpectrum top(Lanczos.Decomposition d, int k) {
        Lanczos.Ritz r = d.ritz();
        int kk = Math.min(k, d.steps());
        return new TopSpectrum(java.util.Arrays.copyOf(r.values(), kk), java.util.Arrays.copyOf(r.bounds(), kk), d.steps(), d.invariant());
    }

    /** WᵀW when W has no more columns than rows (acts on vectors of length cols), else WWᵀ. */
    private static SymmetricOperator gram(MatrixProducts w) {
        boolean inner = w.cols() <= w.rows();
        int n = inner ? w.cols() : w.rows();
        double[] tmp = new double[inner ? w.rows() : w.cols()];
        return new SymmetricOperator() {
            @Override
            public int dimension() {
                return n;
            }

            @Override
            public double[] apply(double[] v) {
                double[] out = new double[n];
                if (inner) {
                    w.times(v, tmp);
                    w.transposeTimes(tmp, out);
                } else {
                    w.transposeTimes(v, tmp);
                    w.times(tmp, out);
                }
                return out;
            }
        };
    }

    private static double[] unitRandom(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextDouble(-1, 1);
        }
        Vectors.normalize(x);
        return x;
    }
}
