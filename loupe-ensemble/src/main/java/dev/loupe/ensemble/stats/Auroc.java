package dev.loupe.ensemble.stats;

import java.util.Arrays;

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
        int n = scores.length;
        if (positive.length != n) {
            throw new IllegalArgumentException("scores and labels differ in length");
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Double.compare(scores[order[j + 1]], scores[order[i]]) == 0) {
                j++;
            }
            double midrank = (i + j) / 2.0 + 1; // 1-based average rank of the tied block i..j
            for (int t = i; t <= j; t++) {
                if (positive[order[t]]) {
                    rankSumPositive += midrank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double u = rankSumPositive - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }
}
