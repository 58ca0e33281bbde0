package dev.loupe.spectral.result;

/**
 * WeightWatcher's E_TPL: the ESD tail λ ≥ xmin fitted by p(λ) ∝ λ^−alpha·e^−λ·Lambda (powerlaw's
 * TruncatedPowerLaw), by maximum likelihood at the power-law fit's xmin (as WeightWatcher does).
 *
 * @param alpha        exponent
 * @param Lambda       exponential cutoff rate (1/scale of the cutoff), ≥ 0
 * @param xmin         start of the fitted tail
 * @param n            eigenvalues in the tail
 * @param logLikelihood maximized log-likelihood
 * @param R            log-likelihood ratio power law vs E_TPL (negative: E_TPL fits better)
 * @param p            its p-value (nested models: Wilks, one-sided χ² with one degree of freedom)
 */
public record TruncatedPowerLawFit(double alpha, double Lambda, double xmin, int n, double logLikelihood, double R,
                                   double p) {
}
