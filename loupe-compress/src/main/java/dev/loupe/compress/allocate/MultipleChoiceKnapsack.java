package dev.loupe.compress.allocate;

import java.util.Arrays;

/**
 * The multiple-choice knapsack every allocator here solves: pick one option per item (a layer's bit width, a tensor's
 * GGUF type) minimizing the summed error with the summed cost within the budget. Exact dynamic programming over the
 * budget in whole units (O(items × options × units)); the caller chooses the unit (the costs' greatest common
 * divisor when that table is small, which keeps the optimum exact, else a fraction of the budget with costs rounded
 * up, so the result never exceeds the budget and is optimal for the rounded costs).
 */
public final class MultipleChoiceKnapsack {
    private MultipleChoiceKnapsack() {
    }

    /**
     * @param costs  costs[i][k]: option k of item i in budget units (a cost above {@code units} never fits)
     * @param errors errors[i][k]: its error, to be summed
     * @param units  the budget in units
     * @return the chosen option of each item, or {@code null} when no choice fits
     */
    public static int[] solve(int[][] costs, double[][] errors, int units) {
        int n = costs.length;
        // best[u]: least total error of the items so far using exactly u units; choice[i][u]: item i's option there
        double[] best = new double[units + 1];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        best[0] = 0;
        int[][] choice = new int[n][units + 1];
        for (int i = 0; i < n; i++) {
            double[] next = new double[units + 1];
            Arrays.fill(next, Double.POSITIVE_INFINITY);
            for (int k = 0; k < costs[i].length; k++) {
                int cost = costs[i][k];
                for (int u = 0; u + cost <= units; u++) {
                    double v = best[u] + errors[i][k];
                    if (v < next[u + cost]) {
                        next[u + cost] = v;
                        choice[i][u + cost] = k;
                    }
                }
            }
            best = next;
        }
        int end = 0;
        for (int u = 1; u <= units; u++) {
            if (best[u] < best[end]) {
                end = u;
            }
        }
        if (Double.isInfinite(best[end])) {
            return null;
        }
        int[] pick = new int[n];
        for (int i = n - 1; i >= 0; i--) {
            pick[i] = choice[i][end];
            end -= costs[i][pick[i]];
        }
        return pick;
    }

    /** Greatest common divisor (0 is the identity), for callers choosing exact units. */
    public static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
