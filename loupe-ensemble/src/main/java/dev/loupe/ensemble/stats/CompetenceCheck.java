package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.result.Competence;

import java.util.List;

/**
 * Checks {@link Competence} exactly on the W histogram. With M members W = w/M, and both sides of
 * P(t ≤ W &lt; 1/2) ≥ P(1/2 ≤ W ≤ 1 − t) are constant for t in ((a−1)/M, a/M]: there the left side counts w ≥ a
 * with 2w &lt; M and the right side 2w ≥ M with w ≤ M − a. So one comparison per a with (a − 1)/M &lt; 1/2 covers
 * every t in [0, 1/2).
 */
final class CompetenceCheck {
    private CompetenceCheck() {
    }

    static Competence of(List<Long> histogram) {
        int m = histogram.size() - 1;
        for (int a = 0; 2 * (a - 1) < m; a++) {
            long lower = 0;
            long upper = 0;
            for (int w = 0; w <= m; w++) {
                long count = histogram.get(w);
                if (w >= a && 2 * w < m) {
                    lower += count;
                } else if (2 * w >= m && w <= m - a) {
                    upper += count;
                }
            }
            if (lower < upper) {
                return new Competence(false, Math.max(0, (a - 1.0) / m), Math.min(0.5, (double) a / m), lower, upper);
            }
        }
        return new Competence(true, Double.NaN, Double.NaN, 0, 0);
    }
}
