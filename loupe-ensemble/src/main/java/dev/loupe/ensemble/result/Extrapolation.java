package dev.loupe.ensemble.result;

import java.util.List;

/**
 * Predicting larger ensembles from the first {@code fromK} members of {@code orders} random member orders
 * (seeded). The mean absolute errors are over the sizes k &gt; fromK.
 *
 * @param wrongClasses the effective number of wrong classes m̂ of the first members, mean over the orders
 */
public record Extrapolation(int fromK, int orders, long seed, double wrongClasses, List<KPoint> points, double maeMvLaw, double maeMvEta,
                            double maeMvLinear, double maeDisagreement) {
    public Extrapolation {
        points = List.copyOf(points);
    }
}
