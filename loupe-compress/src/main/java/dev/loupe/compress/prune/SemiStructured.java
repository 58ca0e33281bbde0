package dev.loupe.compress.prune;

/**
 * N:M semi-structured pruning (e.g. 2:4, what NVIDIA sparse tensor cores execute): along the input
 * dimension of every output row, each group of M consecutive entries keeps its N highest scores.
 * A trailing group shorter than M keeps min(N, its length). Ties are broken as in {@link Pruners}:
 * the lower index is pruned first.
 */
public final class SemiStructured {
    private SemiStructured() {
    }

    /** The N:M mask of row-major [rows, cols] {@code scores} (magnitude or Wanda scores). */
    public static Mask prune(float[] scores, int rows, int cols, int n, int m) {
        if (n < 1 || m <= n) {
            throw new IllegalArgumentException("N:M needs 1 <= N < M, got " + n + ":" + m);
        }
        if ((long) rows * cols != scores.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + rows + "x" + cols);
        }
        boolean[] keep = new boolean[scores.length];
        for (int r = 0; r < rows; r++) {
            for (int g = 0; g < cols; g += m) {
                int from = r * cols + g;
                int len = Math.min(m, cols - g);
                for (int i = 0; i < len; i++) {
                    keep[from + i] = true;
                }
                Pruners.pruneLowest(scores, from, len, len - Math.min(n, len), keep);
            }
        }
        return new Mask(keep, rows, cols);
    }
}
