package dev.loupe.spectral.vectors;

import dev.loupe.spectral.fit.EqualBins;

/**
 * WeightWatcher 0.7.5.5's per-vector statistics (RMT_Util.py; Martin &amp; Mahoney, arXiv:1810.01075), each
 * independent of the vector's scale and sign.
 */
public final class EigenvectorMetrics {
    /** RMT_Util.EPSILON (float64 path): added to each bin's density before normalizing. */
    private static final double EPSILON = 1e-10;
    private static final int BINS = 100;

    private EigenvectorMetrics() {
    }

    /** localization_ratio: ‖v‖₁ / ‖v‖_∞ (1 for a vector on one coordinate, n for a flat one). */
    public static double localizationRatio(double[] v) {
        double l1 = 0;
        double inf = 0;
        for (double x : v) {
            l1 += Math.abs(x);
            inf = Math.max(inf, Math.abs(x));
        }
        return l1 / inf;
    }

    /** participation_ratio: ‖v‖₂ / ‖v‖₄ (numpy's norms: (Σ|x|⁴)^¼ for ord=4). */
    public static double participationRatio(double[] v) {
        double s2 = 0;
        double s4 = 0;
        for (double x : v) {
            double q = x * x;
            s2 += q;
            s4 += q * q;
        }
        return Math.sqrt(s2) / Math.pow(s4, 0.25);
    }

    /**
     * discrete_entropy(vec, num_bins=100): the Shannon entropy (nats) of the 100-bin density histogram of
     * |v| − mean|v|, each bin's density plus 1e-10 and normalized (WeightWatcher's extra 1/√(2π) cancels there).
     */
    public static double discreteEntropy(double[] v) {
        double[] a = new double[v.length];
        double mean = 0;
        for (int i = 0; i < v.length; i++) {
            a[i] = Math.abs(v[i]);
            mean += a[i];
        }
        mean /= v.length;
        for (int i = 0; i < a.length; i++) {
            a[i] -= mean;
        }
        double[] p = EqualBins.of(a, BINS).density();
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = (p[i] + EPSILON) / Math.sqrt(2 * Math.PI);
            sum += p[i];
        }
        double h = 0;
        for (double x : p) {
            double q = x / sum;
            h -= q * Math.log(q);
        }
        return h;
    }
}
