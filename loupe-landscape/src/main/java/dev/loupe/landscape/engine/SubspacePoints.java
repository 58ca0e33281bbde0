package dev.loupe.landscape.engine;

import dev.loupe.core.LoupeException;

import java.util.Arrays;
import java.util.List;

/**
 * Points θ₀ + Σ cₖ·dₖ of the subspace a landscape moves through, written tensor by tensor into the weights of the
 * graph that runs them: every weight tensor, or all but the first layer's when {@link FirstLayerProducts} carries
 * that layer's directions through its precomputed products. Each weight is summed in double in the same order
 * (θ₀, then c₁·d₁, c₂·d₂, ...) and rounded to float once, whichever tensors are written.
 */
final class SubspacePoints {
    private final float[] theta0;
    private final float[][] dirs;
    private final ParameterLayout layout;
    private final int[] written;
    /** Per tensor not written: max |θ₀| and max |dₖ| over it, to bound its weights without computing them. */
    private final int[] unwritten;
    private final double[][] maxAbs;

    /** Writes the tensors {@code written} (indices into {@code layout}, in that order) and checks the others. */
    SubspacePoints(float[] theta0, List<float[]> dirs, ParameterLayout layout, int[] written) {
        this.theta0 = theta0;
        this.dirs = dirs.toArray(float[][]::new);
        this.layout = layout;
        this.written = written.clone();
        boolean[] w = new boolean[layout.count()];
        for (int i : written) {
            w[i] = true;
        }
        this.unwritten = java.util.stream.IntStream.range(0, layout.count()).filter(i -> !w[i]).toArray();
        this.maxAbs = new double[unwritten.length][this.dirs.length + 1];
        for (int u = 0; u < unwritten.length; u++) {
            int i = unwritten[u];
            for (int p = layout.offset(i); p < layout.offset(i + 1); p++) {
                maxAbs[u][0] = Math.max(maxAbs[u][0], Math.abs(theta0[p]));
                for (int k = 0; k < this.dirs.length; k++) {
                    maxAbs[u][k + 1] = Math.max(maxAbs[u][k + 1], Math.abs(this.dirs[k][p]));
                }
            }
        }
    }

    int dimensions() {
        return dirs.length;
    }

    /** Length of the weights written. */
    int size() {
        return Arrays.stream(written).map(layout::length).sum();
    }

    /**
     * Writes the point at {@code c} into {@code dst}; a weight beyond float32 there, written or not, is the user's
     * range (--extend 1e300 gave NaN losses with exit 0).
     */
    void fill(double[] c, float[] dst) {
        if (c.length != dirs.length) {
            throw new IllegalArgumentException(c.length + " coordinates for " + dirs.length + " directions");
        }
        int at = 0;
        for (int i : written) {
            int from = layout.offset(i), n = layout.length(i);
            if (c.length == 2) { // the plane: no loop over directions per weight
                float[] d0 = dirs[0], d1 = dirs[1];
                double c0 = c[0], c1 = c[1];
                for (int j = 0; j < n; j++) {
                    double v = theta0[from + j];
                    v += c0 * d0[from + j];
                    v += c1 * d1[from + j];
                    dst[at + j] = (float) v;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    dst[at + j] = (float) value(c, from + j);
                }
            }
            for (int j = 0; j < n; j++) {
                if (!Float.isFinite(dst[at + j])) {
                    throw tooFar(c, from + j);
                }
            }
            at += n;
        }
        for (int u = 0; u < unwritten.length; u++) {
            double bound = maxAbs[u][0];
            for (int k = 0; k < c.length; k++) {
                bound += Math.abs(c[k]) * maxAbs[u][k + 1];
            }
            if (!(bound < Float.MAX_VALUE)) { // rare: look at each weight
                int i = unwritten[u];
                for (int p = layout.offset(i); p < layout.offset(i + 1); p++) {
                    if (!Float.isFinite((float) value(c, p))) {
                        throw tooFar(c, p);
                    }
                }
            }
        }
    }

    private double value(double[] c, int p) {
        double v = theta0[p];
        for (int k = 0; k < c.length; k++) {
            v += c[k] * dirs[k][p];
        }
        return v;
    }

    private LoupeException tooFar(double[] c, int p) {
        return new LoupeException("at " + Arrays.toString(c) + " weight " + p + " is " + value(c, p)
                + ", beyond float32: the point is too far from the model (reduce --extend, --range or --radius)");
    }
}
