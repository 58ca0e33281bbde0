package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.sketch.Lanczos;
import dev.loupe.linalg.sketch.Vectors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The top-k eigenpairs of the Hessian (largest magnitude first, as power iteration finds them) from one
 * {@link Lanczos} run started at a Gaussian vector. Stops when each of the k Ritz values θᵢ has residual bound
 * ‖Hyᵢ − θᵢyᵢ‖ ≤ tol·|θᵢ|, i.e. an exact eigenvalue within a relative tol of it, or after maxSteps Hessian-vector
 * products. One Krylov space serves all k eigenvalues, where power iteration with deflation spends a fresh run of
 * up to maxIter products on each; Lanczos also converges in about the square root of power iteration's steps for
 * the same eigenvalue gap (Saad, Numerical Methods for Large Eigenvalue Problems, 2011, §6.6).
 */
public final class LanczosEigen {
    private LanczosEigen() {
    }

    public static TopEigen top(HessianVectorProduct h, int k, int maxSteps, double tol, long seed, Progress progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int steps = Math.max(maxSteps, k);
        progress.start("Hessian eigenvalues (Lanczos)", steps);
        try {
            Lanczos.Decomposition d = Lanczos.run(h, Vectors.gaussian(h.dimension(), rnd), steps,
                    dec -> dec.steps() >= k && converged(dec.ritz(), k, tol), progress);
            Lanczos.Ritz r = d.ritz();
            int[] top = byMagnitude(r.values(), k);
            double[] values = new double[top.length], bounds = new double[top.length];
            int[] iterations = new int[top.length];
            List<double[]> vectors = new ArrayList<>();
            for (int i = 0; i < top.length; i++) {
                values[i] = r.values()[top[i]];
                bounds[i] = r.bounds()[top[i]];
                iterations[i] = d.steps();
                vectors.add(d.ritzVector(r.vectors()[top[i]]));
            }
            int checks = checkBelowNoise(h, values, bounds, vectors);
            return new TopEigen(values, bounds, List.copyOf(vectors), iterations, d.steps() + checks);
        } finally {
            progress.done();
        }
    }

    /**
     * Relative size below which Lanczos's residual estimate β·|sₖ| says nothing about float32 products: rounding in a
     * Hessian-vector product summed over many samples and weights is of order √n·2⁻²⁴ ≈ 10⁻⁵ of its size (the fixture
     * CNN run to 100 steps with {@code --tol 0} printed ± 1.9e-114).
     */
    static final double NOISE = 1e-5;

    /**
     * Where a bound is under {@link #NOISE}·|θ|, replaces it by the residual ‖Hy − θy‖ measured with one more product
     * (kept if larger): the bound then says what the products can show, not what exact arithmetic would. Returns the
     * products it took.
     */
    private static int checkBelowNoise(HessianVectorProduct h, double[] values, double[] bounds, List<double[]> vectors) {
        List<Integer> below = IntStream.range(0, values.length).filter(i -> bounds[i] < NOISE * Math.abs(values[i])).boxed().toList();
        if (below.isEmpty()) {
            return 0;
        }
        List<double[]> products = h.applyAll(below.stream().map(vectors::get).toList());
        for (int q = 0; q < below.size(); q++) {
            int i = below.get(q);
            double[] y = vectors.get(i), r = products.get(q).clone();
            Vectors.subtract(r, values[i], y);
            bounds[i] = Math.max(bounds[i], Vectors.norm(r) / Vectors.norm(y));
        }
        return below.size();
    }

    private static boolean converged(Lanczos.Ritz r, int k, double tol) {
        for (int i : byMagnitude(r.values(), k)) {
            if (r.bounds()[i] > tol * Math.abs(r.values()[i])) {
                return false;
            }
        }
        return true;
    }

    /** Indices of the (at most) k values of largest magnitude, largest first. */
    private static int[] byMagnitude(double[] values, int k) {
        return IntStream.range(0, values.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -Math.abs(values[i])))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
