package dev.loupe.landscape.slice;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.SliceEvaluator;
import dev.loupe.landscape.engine.LossPoint;

import java.util.SplittableRandom;

/**
 * Evaluates the loss on a line, a plane or an n-dimensional subspace around θ₀, through a {@link SliceEvaluator} built
 * with the subspace's directions: it builds each point θ₀ + Σ cₖ·dₖ in float, one buffer per worker, so no grid of
 * weight vectors is ever held.
 */
public final class Slices {
    private Slices() {
    }

    /** Loss and accuracy at θ₀ + α·d for each α (the evaluator's one direction d). */
    public static LossPoint[] line(SliceEvaluator ev, double[] alphas, Progress progress) {
        return sample(ev, toCoords(alphas), progress);
    }

    /** Loss at θ₀ + x·d₁ + y·d₂ (the evaluator's two directions); result index j*xs.length + i for (xs[i], ys[j]). */
    public static LossPoint[] plane(SliceEvaluator ev, double[] xs, double[] ys, Progress progress) {
        double[][] coords = new double[xs.length * ys.length][];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                coords[j * xs.length + i] = new double[]{xs[i], ys[j]};
            }
        }
        return sample(ev, coords, progress);
    }

    /** Loss at θ₀ + Σ coords[i][k]·dₖ for every i, dₖ the evaluator's directions. */
    public static LossPoint[] sample(SliceEvaluator ev, double[][] coords, Progress progress) {
        progress.start("loss landscape", coords.length);
        try {
            return ev.evaluateAt(coords, progress);
        } finally {
            progress.done();
        }
    }

    /** {@code n} points of a {@code dims}-cube [−r, r]^dims: a full grid (per-axis count ⌈n^(1/dims)⌉) or uniform random. */
    public static double[][] cubePoints(int dims, double r, int n, boolean grid, long seed) {
        if (dims < 1 || n < 1) {
            throw new LoupeException("need at least one dimension and one point");
        }
        if (!grid) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[][] c = new double[n][dims];
            for (double[] p : c) {
                for (int k = 0; k < dims; k++) {
                    p[k] = -r + 2 * r * rnd.nextDouble();
                }
            }
            return c;
        }
        int per = (int) Math.ceil(Math.pow(n, 1.0 / dims) - 1e-9);
        double[] axis = Grid.linspace(-r, r, per);
        long total = (long) Math.pow(per, dims);
        if (total > 10_000_000) {
            throw new LoupeException("a grid of " + per + "^" + dims + " points is too large");
        }
        double[][] c = new double[(int) total][dims];
        for (int i = 0; i < total; i++) {
            int rest = i;
            for (int k = dims - 1; k >= 0; k--) {
                c[i][k] = axis[rest % per];
                rest /= per;
            }
        }
        return c;
    }

    private static double[][] toCoords(double[] alphas) {
        double[][] c = new double[alphas.length][];
        for (int i = 0; i < alphas.length; i++) {
            c[i] = new double[]{alphas[i]};
        }
        return c;
    }
}
