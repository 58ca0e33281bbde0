package dev.loupe.spectral.result;

/**
 * What a plot of one layer needs. Plotting only draws these; it computes nothing.
 *
 * @param name             layer key (as {@link LayerInfo#name()})
 * @param eigenvalues      the ESD, ascending; for layers with more than {@code maxStored} eigenvalues an
 *                         evenly spaced subsample by rank (quantiles) incl. the top 100 exactly
 * @param subsampled       whether {@code eigenvalues} is a subsample
 * @param esdHistogram     log-binned histogram of all eigenvalues &gt; 0
 * @param alpha            fitted exponent (NaN if failed): the tail density is ∝ λ^−alpha for λ ≥ xmin
 * @param xmin             start of the fitted tail
 * @param xmax             end of the fitted tail
 * @param mpBulkMin        MP lower edge in ESD units (NaN without MP fit)
 * @param mpBulkMax        MP upper edge in ESD units (NaN without MP fit)
 * @param mpSigma          MP sigma in ESD units: density of λ·wScale² with this σ and Q (NaN without MP fit)
 * @param Q                aspect ratio N/M for the MP density
 * @param randomizedEigenvalues ESD of the shuffled matrix, or null
 * @param weightHistogram  linear histogram of the raw weights
 * @param ggdBeta          generalized-Gaussian shape β fitted to the weights
 * @param ggdScale         generalized-Gaussian scale α; density β/(2αΓ(1/β))·exp(−(|w−μ|/α)^β)
 * @param weightMean       μ of that density
 */
public record LayerSpectrum(String name, double[] eigenvalues, boolean subsampled, Histogram esdHistogram,
                            double alpha, double xmin, double xmax, double mpBulkMin, double mpBulkMax,
                            double mpSigma, double Q, double[] randomizedEigenvalues, Histogram weightHistogram,
                            double ggdBeta, double ggdScale, double weightMean) {
    public LayerSpectrum {
        eigenvalues = eigenvalues.clone();
        randomizedEigenvalues = randomizedEigenvalues == null ? null : randomizedEigenvalues.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public double[] randomizedEigenvalues() {
        return randomizedEigenvalues == null ? null : randomizedEigenvalues.clone();
    }
}
