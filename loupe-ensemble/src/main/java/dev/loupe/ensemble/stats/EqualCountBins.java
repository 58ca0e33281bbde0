package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.result.DisagreementBin;

import java.util.ArrayList;
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
        int target = Math.max(1, (int) Math.ceil((double) n / bins));
        List<DisagreementBin> out = new ArrayList<>();
        // running bin: [count, errors, sum of scores, low, high]; a bin closes once it holds ≥ target samples, unless
        // what is left would be a tail shorter than half a bin (a noisy last point), which is folded in.
        double[] bin = new double[5];
        int[] seen = new int[1];
        TieGroups.forEach(score, wrong, (value, w, r) -> {
            if (bin[0] == 0) {
                bin[3] = value;
            }
            bin[0] += w + r;
            bin[1] += w;
            bin[2] += value * (w + r);
            bin[4] = value;
            seen[0] += w + r;
            if (bin[0] >= target && n - seen[0] >= target / 2 && seen[0] < n) {
                out.add(close(bin));
            }
        });
        if (bin[0] > 0) {
            out.add(close(bin));
        }
        return out;
    }

    private static DisagreementBin close(double[] bin) {
        int count = (int) bin[0];
        int errors = (int) bin[1];
        double[] ci = wilson(errors, count);
        DisagreementBin b = new DisagreementBin(bin[3], bin[4], bin[2] / count, count, (double) errors / count, ci[0], ci[1]);
        java.util.Arrays.fill(bin, 0);
        return b;
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
