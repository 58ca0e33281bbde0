package dev.loupe.spectral.result;

/**
 * WeightWatcher's {@code fit='TPL'} / {@code 'E_TPL'}: the ESD tail λ ≥ xmin fitted by p(λ) ∝ λ^−alpha·e^−Lambda·λ
 * (powerlaw's Truncated_Power_Law), xmin chosen by that distribution's KS distance.
 *
 * @param alpha         exponent (WeightWatcher's {@code alpha} column under fit='TPL')
 * @param Lambda        exponential cutoff rate, &gt; 0 (its {@code Lambda} column)
 * @param xmin          start of the fitted tail
 * @param D             KS distance of the fit at xmin
 * @param numPlSpikes   eigenvalues ≥ xmin
 * @param logLikelihood log-likelihood of the tail at (alpha, Lambda)
 * @param R             log-likelihood ratio power law vs TPL on the same tail (negative: the TPL fits better)
 * @param p             its p-value (nested models: Wilks, χ² with one degree of freedom)
 * @param status        "success", or "no valid fit" when no candidate had alpha &gt; 1 and Lambda &gt; 0
 */
public record TruncatedPowerLawFit(double alpha, double Lambda, double xmin, double D, int numPlSpikes,
                                   double logLikelihood, double R, double p, String status)
        implements java.io.Serializable {
}
