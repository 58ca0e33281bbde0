package dev.loupe.diff.edit;

/** The two spectral edits. */
public enum EditKind {
    /**
     * Truncated SVD: keep the top k singular directions (WeightWatcher's SVDSmoothing; removes the small,
     * noise-like part of the spectrum).
     */
    SMOOTH,
    /**
     * Remove the top k singular directions, k = the Marchenko–Pastur spikes of the element-permuted matrix
     * (WeightWatcher's SVDSharpness: spikes that survive a permutation are correlation traps, large single
     * elements, not learned correlations).
     */
    SHARPEN
}
