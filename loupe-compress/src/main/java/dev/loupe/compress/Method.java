package dev.loupe.compress;

import java.util.Locale;

/** How a layer's weights are compressed: which weights a pruner zeroes, or how a quantizer rounds. */
public enum Method {
    /** Smallest |W| in the layer. */
    MAGNITUDE(Mode.PRUNE),
    /** Smallest |W|·‖X‖ per output row (needs input-activation norms). */
    WANDA(Mode.PRUNE),
    /** N:M semi-structured by magnitude (or by Wanda score when norms are given). */
    NM(Mode.PRUNE),
    /**
     * SparseGPT (arXiv 2301.00774): OBS-ranked weights removed column by column, the rest updated to compensate
     * (needs each layer's XᵀX); unstructured, or N:M with {@code --nm}.
     */
    SPARSEGPT(Mode.PRUNE),
    /** Round-to-nearest per channel or group. */
    RTN(Mode.QUANTIZE),
    /** GPTQ (arXiv 2210.17323): RTN's grid, each column's rounding error compensated on the rest (needs XᵀX). */
    GPTQ(Mode.QUANTIZE);

    private final Mode mode;

    Method(Mode mode) {
        this.mode = mode;
    }

    /** Whether this method prunes or quantizes. */
    public Mode mode() {
        return mode;
    }

    /** Whether this method chooses weights from input-activation norms. */
    public boolean needsNorms() {
        return this == WANDA;
    }

    /** Whether this method needs each layer's calibration XᵀX (second-order, optimal-brain-surgeon methods). */
    public boolean needsGram() {
        return this == SPARSEGPT || this == GPTQ;
    }

    /** The option spelling: {@code magnitude}, {@code wanda}, {@code nm}, {@code rtn}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
