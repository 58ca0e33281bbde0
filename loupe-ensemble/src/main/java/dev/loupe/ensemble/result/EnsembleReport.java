package dev.loupe.ensemble.result;

import java.util.List;

/** Everything {@code loupe ensemble} reports. */
public record EnsembleReport(String tieRule, EnsembleStats stats, Extrapolation extrapolation, List<ErrorIndicators> indicators) {
    /** The majority-vote rule used everywhere. */
    public static final String TIE_RULE = "plurality vote; a sample counts as correct only if the true class has strictly "
            + "more votes than every other class (ties are errors)";

    public EnsembleReport {
        indicators = List.copyOf(indicators);
    }
}
