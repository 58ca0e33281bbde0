package dev.loupe.landscape.direction;

import dev.loupe.core.LoupeException;
import dev.loupe.landscape.engine.ParameterLayout;

import java.util.SplittableRandom;

/**
 * Directions in weight space, as Li et al. (arXiv 1712.09913) build them in their code
 * (tomgoldstein/loss-landscape, net_plotter.py): a Gaussian direction per weight, then
 * filter normalization — each filter of the direction rescaled to the norm of the same filter of the
 * weights, {@code d_f *= ‖w_f‖ / (‖d_f‖ + 1e-10)} — and, with {@code ignore='biasbn'}, weights of
 * rank ≤ 1 (biases, BatchNorm scale/shift) get a zero direction.
 *
 * <p>A "filter" is a slice along the weight's output axis: axis 0 for Conv [out,in,kh,kw] and for
 * Gemm with transB=1 [out,in] (PyTorch's layout, which Li et al. index); the last axis for MatMul's
 * right operand [in,out], so the same layer is normalized the same way whichever way it was exported.
 */
public final class Directions {
    private static final double EPS = 1e-10;

    private Directions() {
    }

    /** Standard Gaussian entries from a seeded generator (same seed, same direction). */
    public static float[] gaussian(ParameterLayout layout, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[layout.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return d;
    }

    /** A Gaussian direction, filter-normalized against {@code theta}, biases and BN zeroed. */
    public static float[] filterNormalized(ParameterLayout layout, float[] theta, long seed) {
        float[] d = gaussian(layout, seed);
        filterNormalize(layout, d, theta);
        return d;
    }

    /** The direction from {@code from} to {@code to} (Li et al.'s get_diff_weights). */
    public static float[] between(float[] from, float[] to) {
        if (from.length != to.length) {
            throw new LoupeException("the two checkpoints have " + from.length + " and " + to.length + " weights; they must be the same architecture");
        }
        float[] d = new float[from.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = to[i] - from[i];
        }
        return d;
    }

    /** Filter-normalizes {@code d} in place (modified); {@code theta} is not modified. */
    public static void filterNormalize(ParameterLayout layout, float[] d, float[] theta) {
        for (int p = 0; p < layout.count(); p++) {
            long[] shape = layout.shapes().get(p);
            int off = layout.offset(p);
            if (shape.length <= 1) {
                java.util.Arrays.fill(d, off, off + layout.length(p), 0f);
                continue;
            }
            int axis = layout.filterAxes()[p];
            int outer = 1, inner = 1;
            for (int k = 0; k < axis; k++) {
                outer *= (int) shape[k];
            }
            for (int k = axis + 1; k < shape.length; k++) {
                inner *= (int) shape[k];
            }
            int filters = (int) shape[axis];
            for (int f = 0; f < filters; f++) {
                double dn = 0, wn = 0;
                for (int o = 0; o < outer; o++) {
                    int base = off + (o * filters + f) * inner;
                    for (int k = 0; k < inner; k++) {
                        dn += (double) d[base + k] * d[base + k];
                        wn += (double) theta[base + k] * theta[base + k];
                    }
                }
                double scale = Math.sqrt(wn) / (Math.sqrt(dn) + EPS);
                for (int o = 0; o < outer; o++) {
                    int base = off + (o * filters + f) * inner;
                    for (int k = 0; k < inner; k++) {
                        d[base + k] = (float) (d[base + k] * scale);
                    }
                }
            }
        }
    }
}
