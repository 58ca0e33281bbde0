package dev.loupe.ensemble.result;

import java.util.List;

/** Disagreement as an error indicator on one input set (in-distribution or shifted). */
public record ErrorIndicators(String inputSet, int samples, double mvError, double meanError, double disagreement,
                              List<IndicatorScore> aurocs, List<DisagreementBin> bins) {
    public ErrorIndicators {
        aurocs = List.copyOf(aurocs);
        bins = List.copyOf(bins);
    }
}
