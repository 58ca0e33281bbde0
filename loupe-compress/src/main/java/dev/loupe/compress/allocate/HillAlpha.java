package dev.loupe.compress.allocate;

import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.HillEstimator;

/**
 * AlphaPruning's metrics of a layer (alpha_mid = PL_Alpha_Hill, alpha_peak) as loupe-spectral computes them ({@link HillEstimator}),
 * on the [out, in] matrix the compressor sees. For a conv kernel that is the flattened [out, in·kh·kw] matrix,
 * not {@code loupe inspect}'s per-position slices, so conv alphas can differ from inspect's.
 */
public final class HillAlpha {
    private HillAlpha() {
    }

    /** PL_Alpha_Hill (alpha_mid) of row-major [rows, cols] {@code w} (fp64 eigenvalues). */
    public static double of(DenseBackend backend, float[] w, int rows, int cols) {
        return of(backend, w, rows, cols, EsdMetric.ALPHA_MID);
    }

    /** {@code metric} of row-major [rows, cols] {@code w} (fp64 eigenvalues). */
    public static double of(DenseBackend backend, float[] w, int rows, int cols, EsdMetric metric) {
        double[] evals = new EsdCalculator(backend, Precision.FP64).eigenvalues(w, rows, cols);
        return switch (metric) {
            case ALPHA_MID -> HillEstimator.plAlphaHill(evals);
            case ALPHA_PEAK -> HillEstimator.plAlphaPeak(evals);
        };
    }
}
