package dev.loupe.ensemble.result;

/** Samples whose per-sample pairwise disagreement equals {@code disagreement}, and the majority-vote error among them. */
public record DisagreementBin(double disagreement, int samples, double mvError) {
}
