package dev.loupe.compress;

import java.util.Locale;

/** What a compression run does to the weights. */
public enum Mode {
    /** Zero a fraction of the weights; the tensor keeps its dtype. */
    PRUNE,
    /** Store the weights as integer codes with scales. */
    QUANTIZE;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
