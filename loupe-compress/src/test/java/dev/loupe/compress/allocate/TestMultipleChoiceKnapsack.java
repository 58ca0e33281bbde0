package dev.loupe.compress.allocate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TestMultipleChoiceKnapsack {
    @Test
    void handWorkedCase() {
        // items: {cost 1 err 9, cost 3 err 2}, {cost 2 err 5, cost 4 err 1}; budget 5 -> (3,2): 7 beats (1,4): 10
        int[][] costs = {{1, 3}, {2, 4}};
        double[][] errors = {{9, 2}, {5, 1}};
        assertArrayEquals(new int[]{1, 0}, MultipleChoiceKnapsack.solve(costs, errors, 5));
        assertArrayEquals(new int[]{1, 1}, MultipleChoiceKnapsack.solve(costs, errors, 7));
        assertArrayEquals(new int[]{0, 0}, MultipleChoiceKnapsack.solve(costs, errors, 3));
        assertNull(MultipleChoiceKnapsack.solve(costs, errors, 2));
    }

    @Test
    void equalsBruteForceOnRandomTables() {
        Random r = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(4);
            int m = 1 + r.nextInt(4);
            int[][] costs = new int[n][m];
            double[][] errors = new double[n][m];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < m; k++) {
                    costs[i][k] = r.nextInt(6);
                    errors[i][k] = r.nextDouble();
                }
            }
            int units = r.nextInt(15);
            double best = Double.POSITIVE_INFINITY;
            int[] idx = new int[n];
            for (int code = 0; code < Math.pow(m, n); code++) {
                int c = code;
                int spent = 0;
                double e = 0;
                for (int i = 0; i < n; i++) {
                    idx[i] = c % m;
                    c /= m;
                    spent += costs[i][idx[i]];
                    e += errors[i][idx[i]];
                }
                if (spent <= units) {
                    best = Math.min(best, e);
                }
            }
            int[] pick = MultipleChoiceKnapsack.solve(costs, errors, units);
            if (Double.isInfinite(best)) {
                assertNull(pick);
                continue;
            }
            double e = 0;
            int spent = 0;
            for (int i = 0; i < n; i++) {
                e += errors[i][pick[i]];
                spent += costs[i][pick[i]];
            }
            assertEquals(best, e, 1e-12);
            assertEquals(true, spent <= units);
        }
    }
}
