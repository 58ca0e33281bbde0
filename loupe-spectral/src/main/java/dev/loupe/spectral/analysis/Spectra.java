package dev.loupe.spectral.analysis;

import dev.loupe.spectral.result.Histogram;
import dev.loupe.spectral.result.LayerInfo;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;
import dev.loupe.spectral.result.WeightStats;
import dev.loupe.spectral.weights.WeightStatistics;

/** Builds the plot data of a layer (bounded size: a subsample of big ESDs, fixed-bin histograms). */
final class Spectra {
    static final int MAX_STORED = 2048;
    static final int TOP_EXACT = 100;
    static final int ESD_BINS = 80;
    static final int WEIGHT_BINS = 100;

    private Spectra() {
    }

    /** @param weights the histogram of the weights ({@link #weightHistogram}) */
    static LayerSpectrum of(LayerInfo info, double[] ev, PowerLawFit fit, MpFit mp, double[] randEv, Histogram weights,
                            WeightStats ws) {
        boolean sub = ev.length > MAX_STORED;
        double mpSigma = Double.NaN;
        double lo = Double.NaN;
        double hi = Double.NaN;
        if (mp != null) {
            lo = mp.bulkMin();
            hi = mp.bulkMax();
            mpSigma = mp.sigmaMp() / mp.wScale(); // σ of the MP law in ESD units
        }
        return new LayerSpectrum(info.name(), sub ? subsample(ev) : ev, sub, logHistogram(ev, ESD_BINS), fit.alpha(),
                fit.xmin(), fit.xmax(), lo, hi, mpSigma, info.Q(),
                randEv == null ? null : (randEv.length > MAX_STORED ? subsample(randEv) : randEv),
                weights, ws.ggdBeta(), ws.ggdScale(), ws.mean());
    }

    /** The weights' histogram a layer's plot shows. */
    static Histogram weightHistogram(float[] raw) {
        return WeightStatistics.histogram(raw, WEIGHT_BINS);
    }

    /** Evenly spaced ranks over the bulk plus the top {@link #TOP_EXACT} exactly. */
    static double[] subsample(double[] ev) {
        int bulk = MAX_STORED - TOP_EXACT;
        int n = ev.length;
        double[] out = new double[MAX_STORED];
        for (int i = 0; i < bulk; i++) {
            out[i] = ev[(int) ((long) i * (n - TOP_EXACT) / bulk)];
        }
        System.arraycopy(ev, n - TOP_EXACT, out, bulk, TOP_EXACT);
        return out;
    }

    /** Histogram of the positive eigenvalues in log10-spaced bins. */
    static Histogram logHistogram(double[] ev, int bins) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double v : ev) {
            if (v > 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max == 0) {
            return new Histogram(new double[] {0, 1}, new long[] {0}, true);
        }
        double l0 = Math.log10(min);
        double l1 = Math.log10(max);
        if (!(l1 > l0)) {
            l1 = l0 + 1e-9;
        }
        double[] edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = Math.pow(10, l0 + (l1 - l0) * i / bins);
        }
        long[] counts = new long[bins];
        for (double v : ev) {
            if (v > 0) {
                int b = (int) ((Math.log10(v) - l0) / (l1 - l0) * bins);
                counts[Math.min(Math.max(b, 0), bins - 1)]++;
            }
        }
        return new Histogram(edges, counts, true);
    }
}
