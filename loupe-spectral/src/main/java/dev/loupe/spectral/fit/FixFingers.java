package dev.loupe.spectral.fit;

/** WeightWatcher's {@code fix_fingers}: how the power-law fit guards against a few outlying top eigenvalues. */
public enum FixFingers {
    /** The plain fit: every eigenvalue but the largest is an xmin candidate. */
    NONE,
    /** Refit without the 2..9 largest eigenvalues; keep the first fit whose alpha drops by more than 1. */
    CLIP_XMAX,
    /** Only xmins near the peak of the log-ESD histogram are candidates ({@link XminPeak}). */
    XMIN_PEAK;

    /** The WeightWatcher spelling: {@code none}, {@code clip_xmax}, {@code xmin_peak}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
