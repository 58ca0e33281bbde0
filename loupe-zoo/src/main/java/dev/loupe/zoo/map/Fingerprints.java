package dev.loupe.zoo.map;

import java.util.ArrayList;
import java.util.List;

/**
 * A model's fingerprint: for each metric, its mean/min/max/std across layers and its value at
 * relative depth 0, ½ and 1 (linear interpolation along layer order). Fixed length whatever the
 * depth, so models of different depths share one feature space. NaN values (failed fits) are left
 * out of the statistics; a statistic with no finite value is NaN and imputed later.
 */
public final class Fingerprints {
    /** Metrics taken from the {@code layers} table, in this order. */
    public static final List<String> METRICS = List.of("alpha", "alpha_weighted", "log_norm", "log_spectral_norm",
            "stable_rank", "entropy");
    private static final List<String> STATS = List.of("mean", "min", "max", "std", "depth0", "depth50", "depth100");

    private Fingerprints() {
    }

    public static List<String> featureNames() {
        List<String> n = new ArrayList<>();
        for (String m : METRICS) {
            for (String s : STATS) {
                n.add(m + "_" + s);
            }
        }
        return n;
    }

    /** @param perLayer per layer in model order, the {@link #METRICS} values */
    public static double[] of(List<double[]> perLayer) {
        double[] f = new double[METRICS.size() * STATS.size()];
        for (int m = 0; m < METRICS.size(); m++) {
            double[] v = new double[perLayer.size()];
            for (int l = 0; l < v.length; l++) {
                v[l] = perLayer.get(l)[m];
            }
            double[] s = stats(v);
            System.arraycopy(s, 0, f, m * STATS.size(), s.length);
        }
        return f;
    }

    static double[] stats(double[] v) {
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
                n++;
            }
        }
        if (n == 0) {
            double nan = Double.NaN;
            return new double[]{nan, nan, nan, nan, nan, nan, nan};
        }
        double mean = sum / n;
        double ss = 0;
        for (double x : v) {
            if (Double.isFinite(x)) {
                ss += (x - mean) * (x - mean);
            }
        }
        return new double[]{mean, min, max, Math.sqrt(ss / n), atDepth(v, 0), atDepth(v, 0.5), atDepth(v, 1)};
    }

    /** Value at relative depth q in [0,1], interpolating between neighbouring layers. */
    static double atDepth(double[] v, double q) {
        if (v.length == 1) {
            return v[0];
        }
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        double t = pos - lo;
        if (t == 0) {
            return v[lo]; // exactly on a layer: its neighbour (maybe NaN) must not leak in through 0·NaN
        }
        return v[lo] * (1 - t) + v[hi] * t;
    }
}
