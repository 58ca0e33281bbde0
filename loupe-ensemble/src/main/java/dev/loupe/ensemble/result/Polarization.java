package dev.loupe.ensemble.result;

/**
 * Polarization of the ensemble. {@code eta} = P(W &gt; 1/2) / E[W²] is the paper's definition;
 * {@code etaWithTies} = P(W ≥ 1/2) / E[W²] is the one that bounds the majority-vote error under our tie rule
 * (a tie counts as an error, and a vote can only be wrong or tied when W ≥ 1/2).
 * {@code withinLaw}: eta ≤ 4/3, the "neural polarization law" (Conjecture 1 of the paper), checked on the paper's η.
 * With an even number of members ties (W = 1/2 exactly) can make etaWithTies much larger than eta.
 */
public record Polarization(double eta, double etaWithTies, double pWAboveHalf, double pWAtLeastHalf, double tandemLoss,
                           double law, boolean withinLaw) {
    /** The polarization the paper conjectures for interpolating neural networks. */
    public static final double LAW = 4.0 / 3.0;
}
