package dev.loupe.ensemble.result;

/**
 * Samples whose per-sample pairwise disagreement lies in [{@code low}, {@code high}] (bins hold roughly equal numbers
 * of samples and never split samples with equal disagreement), and the majority-vote error among them with its Wilson
 * 95 % interval.
 */
public record DisagreementBin(double low, double high, double meanDisagreement, int samples, double mvError, double errorLow,
                              double errorHigh) {
}
