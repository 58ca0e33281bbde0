package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.ErrorIndicators;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The full analysis behind {@code loupe ensemble}: statistics, bounds, extrapolation and error indicators. */
public final class EnsembleAnalysis {
    private EnsembleAnalysis() {
    }

    /**
     * @param inDistribution the evaluation predictions
     * @param shifted        further input sets by name (same members, e.g. noisy or rotated inputs); may be empty
     * @param fromK          members used to extrapolate: 2 up to the ensemble size; an ensemble of 2 or 3 members is
     *                       extrapolated from 2 when the default 3 does not fit
     */
    public static EnsembleReport run(Predictions inDistribution, Map<String, Predictions> shifted, int fromK, int orders,
                                     long seed) {
        List<ErrorIndicators> indicators = new ArrayList<>();
        indicators.add(Indicators.of("in-distribution", inDistribution));
        shifted.forEach((name, p) -> indicators.add(Indicators.of(name, p)));
        int m = inDistribution.memberCount();
        return new EnsembleReport(EnsembleReport.TIE_RULE, EnsembleAnalyzer.analyze(inDistribution),
                m >= 2 ? Extrapolator.run(inDistribution, Math.min(fromK, m), orders, seed) : null, indicators);
    }
}
