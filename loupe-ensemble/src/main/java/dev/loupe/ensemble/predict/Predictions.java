package dev.loupe.ensemble.predict;

import dev.loupe.core.LoupeException;

import java.util.Arrays;
import java.util.List;

/**
 * What each ensemble member predicted on each sample, and the truth.
 * Arrays are owned by this object after construction and never modified; accessors return them
 * without copying (they feed tight loops), so callers must not modify them either.
 *
 * @param members       member names, one per row of {@code labels}
 * @param labels        {@code labels[m][i]}: class member {@code m} predicted for sample {@code i}
 * @param probabilities {@code probabilities[m][i*classes + c]}, or null when only labels are known
 * @param truth         the true class of each sample
 * @param classes       number of classes; every label is in {@code [0, classes)}
 */
public record Predictions(List<String> members, int[][] labels, float[][] probabilities, int[] truth, int classes) {
    public Predictions {
        members = List.copyOf(members);
        if (labels.length < 1 || labels.length != members.size()) {
            throw new LoupeException("an ensemble needs at least one member with a name (got " + labels.length
                    + " prediction rows and " + members.size() + " names)");
        }
        if (classes < 2) {
            throw new LoupeException("need at least 2 classes, got " + classes);
        }
        int n = truth.length;
        if (n == 0) {
            throw new LoupeException("no samples");
        }
        checkRange("true label", truth, classes);
        for (int m = 0; m < labels.length; m++) {
            if (labels[m].length != n) {
                throw new LoupeException("member " + members.get(m) + " has " + labels[m].length
                        + " predictions but there are " + n + " true labels");
            }
            checkRange("predicted label of " + members.get(m), labels[m], classes);
        }
        if (probabilities != null) {
            if (probabilities.length != labels.length) {
                throw new LoupeException("probabilities given for " + probabilities.length + " of " + labels.length + " members");
            }
            for (int m = 0; m < probabilities.length; m++) {
                if (probabilities[m].length != (long) n * classes) {
                    throw new LoupeException("member " + members.get(m) + " has " + probabilities[m].length
                            + " probabilities, expected " + n + " x " + classes);
                }
            }
        }
    }

    /** Predictions from class probabilities: each label is the arg-max (lowest class index on exact ties, like numpy). */
    public static Predictions fromProbabilities(List<String> members, float[][] probabilities, int[] truth, int classes) {
        int[][] labels = new int[probabilities.length][];
        for (int m = 0; m < probabilities.length; m++) {
            if (probabilities[m].length != (long) truth.length * classes) {
                throw new LoupeException("member " + (m < members.size() ? members.get(m) : "#" + m) + " has "
                        + probabilities[m].length + " probabilities, expected " + truth.length + " x " + classes);
            }
            labels[m] = argmax(probabilities[m], truth.length, classes);
        }
        return new Predictions(members, labels, probabilities, truth, classes);
    }

    public int memberCount() {
        return labels.length;
    }

    public int sampleCount() {
        return truth.length;
    }

    public boolean hasProbabilities() {
        return probabilities != null;
    }

    /** The sub-ensemble of the given members, in the given order. */
    public Predictions select(int[] memberIndices) {
        int[][] l = new int[memberIndices.length][];
        float[][] p = probabilities == null ? null : new float[memberIndices.length][];
        String[] names = new String[memberIndices.length];
        for (int j = 0; j < memberIndices.length; j++) {
            l[j] = labels[memberIndices[j]];
            names[j] = members.get(memberIndices[j]);
            if (p != null) {
                p[j] = probabilities[memberIndices[j]];
            }
        }
        return new Predictions(Arrays.asList(names), l, p, truth, classes);
    }

    static int[] argmax(float[] probs, int n, int classes) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestP = probs[i * classes];
            for (int c = 1; c < classes; c++) {
                float v = probs[i * classes + c];
                if (v > bestP) {
                    best = c;
                    bestP = v;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static void checkRange(String what, int[] values, int classes) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] >= classes) {
                throw new LoupeException(what + " at sample " + i + " is " + values[i] + ", outside [0, " + classes + ")");
            }
        }
    }
}
