package dev.loupe.landscape.slice;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.LossEvaluator;
import dev.loupe.landscape.engine.LossPoint;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Evaluates the loss on a line, a plane or an n-dimensional subspace around θ₀. Points are built
 * as θ₀ + Σ cₖ·dₖ in float, one buffer per worker, so no grid of weight vectors is ever held.
 */
public final class Slices {
    private Slices() {
    }

    /** Loss and accuracy at θ₀ + α·d for each α. */
    public static LossPoint[] line(LossEvaluator ev, float[] theta0, float[] d, double[] alphas, Progress progress) {
        return sample(ev, theta0, List.of(d), toCoords(alphas), progress);
    }

    /** Loss at θ₀ + x·d₁ + y·d₂; result index j*xs.length + i for (xs[i], ys[j]). */
    public static LossPoint[] plane(LossEvaluator ev, float[] theta0, float[] d1, float[] d2, double[] xs, double[] ys,
                                    Progress progress) {
        double[][] coords = new double[xs.length * ys.length][];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                coords[j * xs.length + i] = new double[]{xs[i], ys[j]};
            }
        }
        return sample(ev, theta0, List.of(d1, d2), coords, progress);
    }

    /** Loss at θ₀ + Σ coords[i][k]·dirs[k] for every i. */
    public static LossPoint[] sample(LossEvaluator ev, float[] theta0, List<float[]> dirs, double[][] coords,
                                     Progress progress) {
        for (float[] d : dirs) {
            if (d.length != theta0.length) {
                throw new IllegalArgumentException("direction length " + d.length + " != " + theta0.length);
            }
        }
        float[][] ds = dirs.toArray(float[][]::new);
        progress.start("loss landscape", coords.length);
        try {
            return ev.evaluateAll(coords.length, (i, theta) -> {
                double[] c = coords[i];
                // the same double sums in the same order as the general loop, without a list lookup per weight
                if (c.length == 2) {
                    float[] d0 = ds[0], d1 = ds[1];
                    double c0 = c[0], c1 = c[1];
                    for (int p = 0; p < theta.length; p++) {
                        double v = theta0[p];
                        v += c0 * d0[p];
                        v += c1 * d1[p];
                        theta[p] = (float) v;
                    }
                } else {
                    for (int p = 0; p < theta.length; p++) {
                        double v = theta0[p];
                        for (int k = 0; k < c.length; k++) {
                            v += c[k] * ds[k][p];
                        }
                        theta[p] = (float) v;
                    }
                }
                for (int p = 0; p < theta.length; p++) {
                    if (!Float.isFinite(theta[p])) { // --extend 1e300 gave NaN losses with exit 0
                        double v = theta0[p];
                        for (int k = 0; k < c.length; k++) {
                            v += c[k] * ds[k][p];
                        }
                        throw new LoupeException("at " + java.util.Arrays.toString(c) + " weight " + p + " is " + v
                                + ", beyond float32: the point is too far from the model (reduce --extend, --range or --radius)");
                    }
                }
            }, progress);
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
