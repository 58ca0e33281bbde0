package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.predict.Predictions;

import java.util.Arrays;

/**
 * Per-sample vote tallies, the basis of every ensemble statistic: how many members are wrong, how the votes split,
 * and whether the majority vote is right. Only per-sample summaries are kept (memory O(samples + classes), never
 * samples × classes, so a label file claiming a million classes cannot exhaust memory).
 *
 * <p>Tie rule: the vote is right only when the true class has strictly more votes than every other class.
 * So the vote can only be wrong when W ≥ 1/2 (if fewer than half are wrong, the true class has more than half the votes).
 */
public final class Votes {
    private final int members;
    private final int[] wrong;
    private final int[] trueVotes;
    private final int[] maxOther;
    private final int[] tiedAtMax;
    private final long[] sameClassPairs;
    private final long[] wrongSquares;
    private final double[] entropy;

    private Votes(int members, int n, boolean withEntropy) {
        this.members = members;
        wrong = new int[n];
        trueVotes = new int[n];
        maxOther = new int[n];
        tiedAtMax = new int[n];
        sameClassPairs = new long[n];
        wrongSquares = new long[n];
        entropy = withEntropy ? new double[n] : null;
    }

    /** All tallies including the vote entropy. */
    public static Votes of(Predictions p) {
        return of(p, true);
    }

    /**
     * @param withEntropy compute {@link #voteEntropy}; the extrapolation tallies hundreds of sub-ensembles and never
     *                    needs it, and its logarithms are most of the cost
     */
    public static Votes of(Predictions p, boolean withEntropy) {
        int n = p.sampleCount();
        int m = p.memberCount();
        Votes v = new Votes(m, n, withEntropy);
        int[] counts = new int[p.classes()];
        int[] touched = new int[m];
        int[] shares = new int[m];
        int[][] labels = p.labels();
        int[] truth = p.truth();
        for (int i = 0; i < n; i++) {
            int distinct = 0;
            for (int[] row : labels) {
                int c = row[i];
                if (counts[c]++ == 0) {
                    touched[distinct++] = c;
                }
            }
            int max = 0;
            for (int t = 0; t < distinct; t++) {
                shares[t] = counts[touched[t]];
                max = Math.max(max, shares[t]);
                if (touched[t] != truth[i]) {
                    v.maxOther[i] = Math.max(v.maxOther[i], shares[t]);
                }
            }
            v.trueVotes[i] = counts[truth[i]];
            v.wrong[i] = m - v.trueVotes[i];
            for (int t = 0; t < distinct; t++) {
                v.tiedAtMax[i] += shares[t] == max ? 1 : 0;
                v.sameClassPairs[i] += (long) shares[t] * (shares[t] - 1);
                if (touched[t] != truth[i]) {
                    v.wrongSquares[i] += (long) shares[t] * shares[t];
                }
                counts[touched[t]] = 0;
            }
            if (withEntropy) {
                // Summed over sorted shares so samples with the same vote pattern get bit-identical entropies
                // whatever the class order (AUROC treats exact ties specially).
                Arrays.sort(shares, 0, distinct);
                double h = 0;
                for (int t = 0; t < distinct; t++) {
                    double f = (double) shares[t] / m;
                    h -= f * Math.log(f);
                }
                v.entropy[i] = h;
            }
        }
        return v;
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

    /** True if the majority vote on sample i is wrong (ties are errors). */
    public boolean voteWrong(int i) {
        return maxOther[i] >= trueVotes[i];
    }

    /** Expected 0/1 error of the vote on sample i if ties were broken uniformly at random among the tied classes. */
    public double voteErrorRandomTies(int i) {
        if (maxOther[i] > trueVotes[i]) {
            return 1;
        }
        if (maxOther[i] < trueVotes[i]) {
            return 0;
        }
        return 1 - 1.0 / tiedAtMax[i];
    }

    /** Fraction of distinct member pairs that predict different classes on sample i (NaN for one member). */
    public double pairDisagreement(int i) {
        long pairs = (long) members * (members - 1);
        return pairs == 0 ? Double.NaN : 1 - (double) sameClassPairs[i] / pairs;
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
     * Σ over the wrong classes c of votes(c)²: the number of ordered member pairs (h = h' included) that are both
     * wrong AND agree on sample i. With w = wrong(i), w² − wrongSquares(i) pairs are both wrong but disagree.
     */
    public long wrongSquares(int i) {
        return wrongSquares[i];
    }

    /**
     * Effective number of wrong classes on sample i: 1 / Σ q_c², q_c the share of the wrong votes that went to class c
     * (exp of the Rényi-2 entropy of the wrong votes; 1 when all wrong members agree). NaN when no member is wrong.
     */
    public double wrongClasses(int i) {
        return wrong[i] == 0 ? Double.NaN : (double) wrong[i] * wrong[i] / wrongSquares[i];
    }

    /** Entropy (nats) of the vote shares on sample i. */
    public double voteEntropy(int i) {
        return entropy[i];
    }
}
