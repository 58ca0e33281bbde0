package dev.loupe.compress.prune;

import java.util.Arrays;

/**
 * Score-based pruning of a row-major [out, in] matrix: the lowest-scoring entries are removed.
 * Magnitude pruning scores |W|; Wanda (Sun et al. 2023, arXiv 2306.11695) scores |W_ij|·‖X_j‖₂, the
 * weight times the L2 norm of input channel j over a calibration set.
 *
 * <p>Counts are exact: a layer (or row) of n entries at sparsity s loses exactly round(s·n) entries
 * (half up). Ties are broken by the flat index, lower index pruned first, so the result is deterministic.
 * Scores are compared as floats; NaN scores rank above +inf (never pruned before a number).
 */
public final class Pruners {
    /** Where the pruned entries are counted and compared. */
    public enum Scope {
        /** One ranking over the whole matrix (magnitude pruning's usual form). */
        LAYER,
        /** One ranking per output row, each row at the same sparsity (Wanda's per-output comparison group). */
        ROW
    }

    private Pruners() {
    }

    /** Entries pruned from n at sparsity s: round(s·n), half up. */
    public static long prunedCount(double sparsity, long n) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity " + sparsity + " is not in [0, 1]");
        }
        return Math.min(n, (long) Math.floor(sparsity * n + 0.5));
    }

    /** Magnitude scores |w|. */
    public static float[] magnitudeScores(float[] w) {
        float[] s = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            s[i] = Math.abs(w[i]);
        }
        return s;
    }

    /**
     * Wanda scores |W_ij|·‖X_j‖ for a row-major [rows, cols] matrix and per-input-channel activation
     * norms (length cols, non-negative).
     */
    public static float[] wandaScores(float[] w, int rows, int cols, double[] inputNorms) {
        if (inputNorms.length != cols || (long) rows * cols != w.length) {
            throw new IllegalArgumentException("Wanda needs one input norm per column: " + inputNorms.length
                    + " norms for " + rows + "x" + cols);
        }
        float[] s = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                if (!(inputNorms[c] >= 0)) {
                    throw new IllegalArgumentException("input norm " + c + " is " + inputNorms[c]);
                }
                s[i] = (float) (Math.abs(w[i]) * inputNorms[c]);
            }
        }
        return s;
    }

    /** Prunes the lowest-scoring entries at {@code sparsity} within {@code scope}. */
    public static Mask prune(float[] scores, int rows, int cols, double sparsity, Scope scope) {
        if ((long) rows * cols != scores.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + rows + "x" + cols);
        }
        boolean[] keep = new boolean[scores.length];
        Arrays.fill(keep, true);
        if (scope == Scope.LAYER) {
            pruneLowest(scores, 0, scores.length, prunedCount(sparsity, scores.length), keep);
        } else {
            long perRow = prunedCount(sparsity, cols);
            for (int r = 0; r < rows; r++) {
                pruneLowest(scores, r * cols, cols, perRow, keep);
            }
        }
        return new Mask(keep, rows, cols);
    }

    /** Groups up to this size (N:M groups) are handled by scans, without allocating. */
    private static final int SMALL = 16;

    /**
     * Clears keep[] for the k lowest scores in [from, from+len), ties to the lower index. A non-negative
     * float's bit pattern orders like its value, so scores become int keys (NaN above everything). The
     * k-th smallest key is found by selection (expected O(n), against O(n log n) for sorting every key):
     * every key below it is pruned, then keys equal to it in index order until k are gone.
     */
    static void pruneLowest(float[] scores, int from, int len, long k, boolean[] keep) {
        if (k <= 0) {
            return;
        }
        if (len <= SMALL) {
            pruneLowestSmall(scores, from, len, k, keep);
            return;
        }
        int[] keys = new int[len];
        for (int i = 0; i < len; i++) {
            float s = scores[from + i];
            if (s < 0) {
                throw new IllegalArgumentException("negative score " + s + " at " + (from + i));
            }
            keys[i] = Float.isNaN(s) ? Integer.MAX_VALUE : Float.floatToIntBits(s == 0f ? 0f : s);
        }
        if (k >= len) {
            Arrays.fill(keep, from, from + len, false);
            return;
        }
        int threshold = Selection.kthSmallest(keys.clone(), (int) k - 1);
        long left = k;
        for (int i = 0; i < len; i++) {
            if (keys[i] < threshold) {
                keep[from + i] = false;
                left--;
            }
        }
        for (int i = 0; i < len && left > 0; i++) {
            if (keys[i] == threshold) {
                keep[from + i] = false;
                left--;
            }
        }
    }

    /** k passes of a linear scan for the lowest kept key: cheapest for N:M groups of a few entries. */
    private static void pruneLowestSmall(float[] scores, int from, int len, long k, boolean[] keep) {
        for (int i = 0; i < len; i++) {
            if (scores[from + i] < 0) {
                throw new IllegalArgumentException("negative score " + scores[from + i] + " at " + (from + i));
            }
        }
        int pruned = 0; // bit i set: entry i already taken in an earlier pass
        for (long j = 0; j < Math.min(k, len); j++) {
            int best = -1;
            int bestKey = 0;
            for (int i = 0; i < len; i++) {
                if ((pruned & (1 << i)) == 0) {
                    float s = scores[from + i];
                    int key = Float.isNaN(s) ? Integer.MAX_VALUE : Float.floatToIntBits(s == 0f ? 0f : s);
                    if (best < 0 || key < bestKey) {
                        best = i;
                        bestKey = key;
                    }
                }
            }
            pruned |= 1 << best;
            keep[from + best] = false;
        }
    }
}
