package dev.loupe.spectral.analysis;

import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.ModelSummary;
import dev.loupe.spectral.result.Warning;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** The model summary: means over layers of the metrics WeightWatcher's get_summary() averages. */
public final class Summaries {
    private Summaries() {
    }

    public static ModelSummary of(List<LayerMetrics> layers) {
        int fitted = (int) layers.stream().filter(m -> m.fit().ok()).count();
        int over = (int) layers.stream().filter(m -> m.warning() == Warning.OVER_TRAINED).count();
        int under = (int) layers.stream().filter(m -> m.warning() == Warning.UNDER_TRAINED).count();
        int tooFew = (int) layers.stream().filter(m -> m.warning() == Warning.TOO_FEW_EIGENVALUES).count();
        long params = layers.stream().mapToLong(m -> m.layer().N() * (long) m.layer().M() * m.layer().rf()).sum();
        return new ModelSummary(layers.size(), fitted, over, under, tooFew, params,
                mean(layers, m -> m.norms().logNorm()), mean(layers, LayerMetrics::alpha),
                mean(layers, m -> m.norms().alphaWeighted()), mean(layers, m -> m.norms().logAlphaNorm()),
                mean(layers, m -> m.norms().logSpectralNorm()), mean(layers, m -> m.norms().stableRank()),
                mean(layers, m -> m.mp() == null ? Double.NaN : m.mp().mpSoftrank()),
                mean(layers, LayerMetrics::plAlphaHill),
                mean(layers, m -> m.randomized() == null ? Double.NaN : m.randomized().randDistance()));
    }

    /** Mean over the layers where the value is defined (not NaN); NaN if none. */
    static double mean(List<LayerMetrics> layers, ToDoubleFunction<LayerMetrics> f) {
        double s = 0;
        int n = 0;
        for (LayerMetrics m : layers) {
            double v = f.applyAsDouble(m);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
