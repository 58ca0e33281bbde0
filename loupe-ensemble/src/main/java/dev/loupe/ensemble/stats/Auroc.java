package dev.loupe.ensemble.stats;

/**
 * Area under the ROC curve via the Mann–Whitney U statistic: the probability that a random positive scores
 * higher than a random negative, ties counting one half (midranks). Written here because it is a dozen lines and
 * exactly specified; pulling in a statistics library for it is not worth a dependency.
 */
public final class Auroc {
    private Auroc() {
    }

    /** AUROC of {@code scores} for detecting {@code positive}; NaN if either class is empty. */
    public static double of(double[] scores, boolean[] positive) {
        // U = Σ over positives of (negatives scoring lower + ½ · negatives scoring the same)
        double[] acc = new double[3]; // U, positives, negatives seen so far
        TieGroups.forEach(scores, positive, (score, pos, neg) -> {
            acc[0] += pos * (acc[2] + 0.5 * neg);
            acc[1] += pos;
            acc[2] += neg;
        });
        if (acc[1] == 0 || acc[2] == 0) {
            return Double.NaN;
        }
        return acc[0] / (acc[1] * acc[2]);
    }
}
