package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.predict.Predictions;

import java.util.Arrays;

/**
 * Per-sample vote tallies, the basis of every ensemble statistic: how many members are wrong, how the votes split,
 * and whether the majority vote is right. Members are added one at a time ({@link #add}), so the extrapolation reads
 * every prefix of a member order from one pass instead of re-tallying each sub-ensemble. Each sample keeps the
 * classes it received votes for (at most one per member), so memory is O(samples × members) — the size of the
 * predictions themselves — never samples × classes, and a label file claiming a million classes cannot exhaust it.
 *
 * <p>Tie rule: the vote is right only when the true class has strictly more votes than every other class.
 * So the vote can only be wrong when W ≥ 1/2 (if fewer than half are wrong, the true class has more than half the votes).
 */
public final class Votes {
    private final int[] truth;
    private final int capacity;
    private int members;
    private final int[] distinct;
    private final int[] voteClass;
    private final int[] voteCount;
    private final int[] wrong;
    private final int[] trueVotes;
    private final int[] maxOther;
    private final int[] maxVotes;
    private final int[] tiedAtMax;
    private final long[] sameClassPairs;
    private final long[] wrongSquares;

    /** An empty tally for up to {@code capacity} members voting on samples whose true classes are {@code truth}. */
    public Votes(int[] truth, int capacity) {
        this.truth = truth;
        this.capacity = capacity;
        int n = truth.length;
        distinct = new int[n];
        voteClass = new int[Math.multiplyExact(n, capacity)];
        voteCount = new int[voteClass.length];
        wrong = new int[n];
        trueVotes = new int[n];
        maxOther = new int[n];
        maxVotes = new int[n];
        tiedAtMax = new int[n];
        sameClassPairs = new long[n];
        wrongSquares = new long[n];
    }

    /** The tallies of every member of {@code p}. */
    public static Votes of(Predictions p) {
        Votes v = new Votes(p.truth(), p.memberCount());
        for (int[] row : p.labels()) {
            v.add(row);
        }
        return v;
    }

    /** Adds one member's predicted classes (one per sample). */
    public void add(int[] labels) {
        if (members == capacity) {
            throw new IllegalStateException("tally is full: " + capacity + " members");
        }
        members++;
        for (int i = 0; i < truth.length; i++) {
            int c = labels[i];
            int base = i * capacity;
            int t = 0;
            while (t < distinct[i] && voteClass[base + t] != c) {
                t++;
            }
            if (t == distinct[i]) {
                voteClass[base + t] = c;
                distinct[i]++;
            }
            int old = voteCount[base + t]++;
            sameClassPairs[i] += 2L * old; // (old+1)·old − old·(old−1)
            if (c == truth[i]) {
                trueVotes[i]++;
            } else {
                wrong[i]++;
                wrongSquares[i] += 2L * old + 1;
                maxOther[i] = Math.max(maxOther[i], old + 1);
            }
            if (old + 1 > maxVotes[i]) {
                maxVotes[i] = old + 1;
                tiedAtMax[i] = 1;
            } else if (old + 1 == maxVotes[i]) {
                tiedAtMax[i]++;
            }
        }
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
     * Ordered member pairs that are both wrong on sample i but predict different classes: w² − Σ_c votes(c)² over the
     * wrong classes c. A member never disagrees with itself, so this also counts the distinct pairs.
     */
    public long bothWrongDisagreeingPairs(int i) {
        return (long) wrong[i] * wrong[i] - wrongSquares[i];
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
        // Summed over sorted shares so samples with the same vote pattern get bit-identical entropies whatever the
        // class order (AUROC treats exact ties specially).
        int[] shares = Arrays.copyOfRange(voteCount, i * capacity, i * capacity + distinct[i]);
        Arrays.sort(shares);
        double h = 0;
        for (int x : shares) {
            double f = (double) x / members;
            h -= f * Math.log(f);
        }
        return h;
    }
}
