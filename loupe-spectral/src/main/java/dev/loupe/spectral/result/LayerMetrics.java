package dev.loupe.spectral.result;

import java.util.List;

/**
 * Every per-layer metric. Optional parts ({@code mp}, {@code randomized}) are null when not requested.
 *
 * @param layer        which matrix and how it was read
 * @param fit          the power-law fit of the ESD tail
 * @param norms        scale and rank metrics
 * @param plAlphaHill  Hill estimator with AlphaPruning's choice of k (top half of the eigenvalues)
 * @param mp           Marchenko–Pastur fit, or null
 * @param randomized   randomized-ESD comparison, or null
 * @param weights      element statistics and quantization errors
 * @param warning      what the fit suggests (over-/under-trained), or why it is not judged
 * @param seconds      wall time spent on this layer
 * @param sketch       how the partial ESD of a sketched layer was obtained, or null (exact ESD)
 * @param tpl          the truncated power-law fit ({@code --fit TPL|E_TPL}), or null
 * @param vectors      eigenvector localization ({@code --vectors}), or null
 */
public record LayerMetrics(LayerInfo layer, PowerLawFit fit, SpectralNorms norms, double plAlphaHill, MpFit mp,
                           RandomizedMetrics randomized, WeightStats weights, Warning warning, double seconds,
                           SketchInfo sketch, TruncatedPowerLawFit tpl, VectorMetrics vectors)
        implements java.io.Serializable {
    public LayerMetrics(LayerInfo layer, PowerLawFit fit, SpectralNorms norms, double plAlphaHill, MpFit mp,
                        RandomizedMetrics randomized, WeightStats weights, Warning warning, double seconds) {
        this(layer, fit, norms, plAlphaHill, mp, randomized, weights, warning, seconds, null, null, null);
    }

    public LayerMetrics(LayerInfo layer, PowerLawFit fit, SpectralNorms norms, double plAlphaHill, MpFit mp,
                        RandomizedMetrics randomized, WeightStats weights, Warning warning, double seconds,
                        SketchInfo sketch, TruncatedPowerLawFit tpl) {
        this(layer, fit, norms, plAlphaHill, mp, randomized, weights, warning, seconds, sketch, tpl, null);
    }

    public String name() {
        return layer.name();
    }

    public double alpha() {
        return fit.alpha();
    }

    public double alphaWeighted() {
        return norms.alphaWeighted();
    }

    public double logNorm() {
        return norms.logNorm();
    }

    public double logSpectralNorm() {
        return norms.logSpectralNorm();
    }

    public double stableRank() {
        return norms.stableRank();
    }

    public List<String> notes() {
        return layer.notes();
    }
}
