package dev.loupe.spectral.result;

/**
 * What a layer's power-law fit suggests, WeightWatcher's thresholds: alpha &lt; 2 over-trained, alpha &gt; 6
 * under-trained. Only a fit over enough eigenvalues means anything: WeightWatcher skips layers with fewer than
 * {@link #MIN_EIGENVALUES} (its {@code DEFAULT_MIN_EVALS}, weightwatcher/constants.py); Loupe still reports
 * their numbers but marks them {@link #TOO_FEW_EIGENVALUES} instead of judging them.
 */
public enum Warning {
    /** 2 ≤ alpha ≤ 6: within the range of well-trained layers. */
    NONE(""),
    /** alpha &lt; 2: heavier-tailed than well-trained layers (WeightWatcher's "over-trained"). */
    OVER_TRAINED("over-trained"),
    /** alpha &gt; 6: close to random (WeightWatcher's "under-trained"). */
    UNDER_TRAINED("under-trained"),
    /** No power law could be fitted (degenerate spectrum). */
    FIT_FAILED("fit-failed"),
    /** Fewer than {@link #MIN_EIGENVALUES} eigenvalues: alpha is reported, not judged. */
    TOO_FEW_EIGENVALUES("too few eigenvalues");

    /** WeightWatcher's {@code DEFAULT_MIN_EVALS}: smaller ESDs are not analyzed there. */
    public static final int MIN_EIGENVALUES = 10;
    /** Above this alpha a layer is {@link #UNDER_TRAINED}. */
    public static final double UNDER_TRAINED_ALPHA = 6;

    private final String label;

    Warning(String label) {
        this.label = label;
    }

    /** The warning for a fit over an ESD of {@code eigenvalues} values. */
    public static Warning of(PowerLawFit fit, int eigenvalues) {
        if (eigenvalues < MIN_EIGENVALUES) {
            return TOO_FEW_EIGENVALUES;
        }
        if (!fit.ok()) {
            return FIT_FAILED;
        }
        if (fit.alpha() < 2) {
            return OVER_TRAINED;
        }
        return fit.alpha() > UNDER_TRAINED_ALPHA ? UNDER_TRAINED : NONE;
    }

    /** The word printed in tables and CSV ("" for none). */
    @Override
    public String toString() {
        return label;
    }
}
