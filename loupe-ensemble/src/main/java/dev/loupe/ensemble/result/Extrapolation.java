package dev.loupe.ensemble.result;

import java.util.List;

/**
 * Predicting larger ensembles from the first {@code fromK} members of {@code orders} random member orders
 * (seeded). The mean absolute errors are over the sizes k &gt; fromK: {@code maeMv*} against the majority-vote error
 * with ties counted as errors, {@code maeMv*RandomTies} against the expected error with ties broken at random (the 4/3
 * law is stated for the strict polarization η, under which a tie is not an error).
 *
 * @param wrongClasses the effective number of wrong classes m̂ of the first members, mean over the orders (the k → ∞
 *                     limit of the m_k the linear predictor uses)
 */
public record Extrapolation(int fromK, int orders, long seed, double wrongClasses, List<KPoint> points, double maeMvLaw, double maeMvEta,
                            double maeMvLinear, double maeDisagreement, double maeMvLawRandomTies, double maeMvEtaRandomTies,
                            double maeMvLinearRandomTies) {
    public Extrapolation {
        points = List.copyOf(points);
    }
}
