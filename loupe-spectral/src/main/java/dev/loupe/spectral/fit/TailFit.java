package dev.loupe.spectral.fit;

/** WeightWatcher's {@code fit=}: which distribution is fitted to the ESD tail besides the power law. */
public enum TailFit {
    /** The power law alone (WeightWatcher's default 'PL'). */
    PL,
    /** Also the truncated power law, xmin searched over every eigenvalue ({@code fit='TPL'}). */
    TPL,
    /** Also the truncated power law, xmin searched in the xmin_peak window ({@code fit='E_TPL'}). */
    E_TPL
}
