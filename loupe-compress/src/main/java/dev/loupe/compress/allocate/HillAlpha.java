package dev.loupe.compress.allocate;

import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.HillEstimator;

/**
 * PL_Alpha_Hill of a layer as loupe-spectral computes it (AlphaPruning's estimator, {@link HillEstimator}),
 * on the [out, in] matrix the compressor sees. For a conv kernel that is the flattened [out, in·kh·kw] matrix,
 * not {@code loupe inspect}'s per-position slices, so conv alphas can differ from inspect's.
 */
public final class HillAlpha {
    private HillAlpha() {
    }

    /** α of row-major [rows, cols] {@code w} (fp64 eigenvalues). */
    public static double of(DenseBackend backend, float[] w, int rows, int cols) {
        return HillEstimator.plAlphaHill(new EsdCalculator(backend, Precision.FP64).eigenvalues(w, rows, cols));
    }
}
