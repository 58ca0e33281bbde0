package dev.loupe.compress.engine;

/** How pruned weights are chosen. */
public enum PruneMethod {
    /** Smallest |W| in the layer. */
    MAGNITUDE,
    /** Smallest |W|·‖X‖ per output row (needs input-activation norms). */
    WANDA,
    /** N:M semi-structured by magnitude (or by Wanda score when norms are given). */
    NM
}
