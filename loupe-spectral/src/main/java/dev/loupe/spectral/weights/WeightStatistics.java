package dev.loupe.spectral.weights;

import dev.loupe.spectral.result.Histogram;
import dev.loupe.spectral.result.WeightStats;

/**
 * Moments, tail fractions, generalized-Gaussian shape and int8/int4 round-to-nearest error of a
 * weight matrix given as {@code rows} rows of {@code cols} (row = output channel).
 */
public final class WeightStatistics {
    private WeightStatistics() {
    }

    public static WeightStats of(float[] w, int rows, int cols) {
        int n = w.length;
        double mean = 0;
        for (float v : w) {
            mean += v;
        }
        mean /= n;
        double m2 = 0;
        double m4 = 0;
        for (float v : w) {
            double d = v - mean;
            double d2 = d * d;
            m2 += d2;
            m4 += d2 * d2;
        }
        m2 /= n;
        m4 /= n;
        double std = Math.sqrt(m2);
        double kurt = m2 > 0 ? m4 / (m2 * m2) - 3 : Double.NaN;
        long over3 = 0;
        long over6 = 0;
        for (float v : w) {
            double d = Math.abs(v - mean);
            if (d > 3 * std) {
                over3++;
            }
            if (d > 6 * std) {
                over6++;
            }
        }
        double[] ggd = GeneralizedGaussian.fit(w, mean);
        double[] perChannel = Quantization.relativeErrors(w, rows, cols, 8, 4, cols);
        double[] group128 = Quantization.relativeErrors(w, rows, cols, 8, 4, 128);
        return new WeightStats(mean, std, kurt, ggd[0], ggd[1], (double) over3 / n, (double) over6 / n,
                perChannel[0], perChannel[1], group128[0], group128[1]);
    }

    /** A linear histogram of the weights over [min, max] in {@code bins} bins. */
    public static Histogram histogram(float[] w, int bins) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : w) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            max = min + 1;
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = min + (max - (double) min) * i / bins;
        }
        long[] counts = new long[bins];
        double width = (max - (double) min) / bins;
        for (float v : w) {
            int b = (int) ((v - (double) min) / width);
            counts[Math.min(Math.max(b, 0), bins - 1)]++;
        }
        return new Histogram(edges, counts, false);
    }
}
