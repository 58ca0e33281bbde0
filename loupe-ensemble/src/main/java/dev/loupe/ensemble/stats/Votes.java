package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.predict.Predictions;

/**
 * Per-sample vote tallies, the basis of every ensemble statistic: how many members are wrong, how many
 * voted for each class, and whether the majority vote is right.
 *
 * <p>Tie rule: the vote is right only when the true class has strictly more votes than every other class.
 * So the vote can only be wrong when W ≥ 1/2 (if fewer than half are wrong, the true class has more than half the votes).
 */
public final class Votes {
    private final int members;
    private final int classes;
    private final int[] wrong;
    private final int[] counts;
    private final int[] truth;

    private Votes(int members, int classes, int[] wrong, int[] counts, int[] truth) {
        this.members = members;
        this.classes = classes;
        this.wrong = wrong;
        this.counts = counts;
        this.truth = truth;
    }

    public static Votes of(Predictions p) {
        int n = p.sampleCount();
        int k = p.classes();
        int[] wrong = new int[n];
        int[] counts = new int[n * k];
        int[] truth = p.truth();
        for (int[] row : p.labels()) {
            for (int i = 0; i < n; i++) {
                counts[i * k + row[i]]++;
                if (row[i] != truth[i]) {
                    wrong[i]++;
                }
            }
        }
        return new Votes(p.memberCount(), k, wrong, counts, truth);
    }

    public int members() {
        return members;
    }

    public int samples() {
        return wrong.length;
    }

    /** Number of members wrong on sample i (W = wrong/members). */
    public int wrong(int i) {
        return wrong[i];
    }

    /** Votes for class c on sample i. */
    public int count(int i, int c) {
        return counts[i * classes + c];
    }

    /** True if the majority vote on sample i is wrong (ties are errors). */
    public boolean voteWrong(int i) {
        int right = count(i, truth[i]);
        for (int c = 0; c < classes; c++) {
            if (c != truth[i] && count(i, c) >= right) {
                return true;
            }
        }
        return false;
    }

    /** Expected 0/1 error of the vote on sample i if ties were broken uniformly at random among the tied classes. */
    public double voteErrorRandomTies(int i) {
        int max = 0;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, count(i, c));
        }
        if (count(i, truth[i]) < max) {
            return 1;
        }
        int tied = 0;
        for (int c = 0; c < classes; c++) {
            if (count(i, c) == max) {
                tied++;
            }
        }
        return 1 - 1.0 / tied;
    }

    /** Fraction of distinct member pairs that predict different classes on sample i (NaN for one member). */
    public double pairDisagreement(int i) {
        long same = 0;
        for (int c = 0; c < classes; c++) {
            long v = count(i, c);
            same += v * (v - 1);
        }
        long pairs = (long) members * (members - 1);
        return pairs == 0 ? Double.NaN : 1 - (double) same / pairs;
    }

    /** Fraction of distinct member pairs with exactly one of the two wrong on sample i. */
    public double pairErrorDisagreement(int i) {
        long pairs = (long) members * (members - 1);
        return pairs == 0 ? Double.NaN : 2.0 * wrong[i] * (members - wrong[i]) / pairs;
    }

    /** Fraction of distinct member pairs both wrong on sample i. */
    public double pairBothWrong(int i) {
        long pairs = (long) members * (members - 1);
        return pairs == 0 ? Double.NaN : (double) wrong[i] * (wrong[i] - 1) / pairs;
    }

    /**
     * Entropy (nats) of the vote shares on sample i. Summed over the sorted counts so samples with the same vote
     * pattern get bit-identical entropies whatever the class order (AUROC treats exact ties specially).
     */
    public double voteEntropy(int i) {
        int[] v = new int[classes];
        for (int c = 0; c < classes; c++) {
            v[c] = count(i, c);
        }
        java.util.Arrays.sort(v);
        double h = 0;
        for (int x : v) {
            if (x > 0) {
                double f = (double) x / members;
                h -= f * Math.log(f);
            }
        }
        return h;
    }
}
