package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.result.DisagreementBin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Bins samples by a score into groups of about n/bins samples each, never splitting equal scores (so a bin is a union
 * of whole tie groups), and reports the error rate in each with a Wilson score interval. Equal-count bins keep every
 * point of the plot backed by enough samples, unlike one point per distinct score value.
 */
final class EqualCountBins {
    /** z for a two-sided 95 % interval. */
    private static final double Z = 1.959963984540054;

    private EqualCountBins() {
    }

    static List<DisagreementBin> of(double[] score, boolean[] wrong, int bins) {
        int n = score.length;
        Integer[] order = new Integer[n];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
        int target = Math.max(1, (int) Math.ceil((double) n / bins));
        List<DisagreementBin> out = new ArrayList<>();
        int start = 0;
        while (start < n) {
            int end = Math.min(n, start + target);
            while (end < n && score[order[end]] == score[order[end - 1]]) {
                end++;
            }
            // A short tail would be a noisy last point: fold it into this bin.
            if (n - end < target / 2) {
                end = n;
            }
            int errors = 0;
            double sum = 0;
            for (int r = start; r < end; r++) {
                errors += wrong[order[r]] ? 1 : 0;
                sum += score[order[r]];
            }
            int count = end - start;
            double[] ci = wilson(errors, count);
            out.add(new DisagreementBin(score[order[start]], score[order[end - 1]], sum / count, count, (double) errors / count,
                    ci[0], ci[1]));
            start = end;
        }
        return out;
    }

    /** Wilson score interval for a binomial proportion k/n (Wilson 1927). */
    static double[] wilson(int k, int n) {
        double p = (double) k / n;
        double z2 = Z * Z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
