package dev.loupe.compress.allocate;

import java.util.Locale;

/**
 * The heavy-tail metric AlphaPruning allocates by (its {@code --ww_metric}; github haiquanlu/AlphaPruning,
 * lib/esd_utils.py {@code get_esd_metrics}): larger values mean lighter tails, so more pruning.
 */
public enum EsdMetric {
    /** PL_Alpha_Hill: the Hill estimate with xmin at the median eigenvalue ({@code fix_fingers='xmin_mid'}). */
    ALPHA_MID,
    /** The KS-best power-law fit with xmin up to 1.5× the histogram peak ({@code fix_fingers='xmin_peak'}); the authors' LLM default. */
    ALPHA_PEAK;

    /** The option spelling: {@code alpha_mid}, {@code alpha_peak}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
