package dev.loupe.ensemble.result;

/**
 * How the wrong votes spread over the wrong classes — the quantity a restricted-entropy condition limits.
 * For independent pairs h, h' ~ ρ (h = h' allowed): D = 2·E[L] − 2·E[W²] + B exactly, with B = P(both wrong and they
 * disagree); so E[W²] = E[L] − D/2 + B/2, and B = 0 for two classes.
 *
 * @param bothWrongDisagree     B
 * @param maxWrongClasses       m* = max over samples of 1/Σ_c q_c², q_c the share of that sample's wrong votes for class c
 *                              (exp of their Rényi-2 entropy; ≤ exp of their Shannon entropy; ≤ K − 1)
 * @param effectiveWrongClasses m̄ = 1/(1 − B/E[W²]), the ensemble-level value with E[W²] = 2m̄/(m̄+1)·(E[L] − D/2) exactly
 */
public record WrongVoteSpread(double bothWrongDisagree, double maxWrongClasses, double effectiveWrongClasses) {
}
