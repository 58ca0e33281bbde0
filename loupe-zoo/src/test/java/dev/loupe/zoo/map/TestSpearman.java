package dev.loupe.zoo.map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TestSpearman {
    @Test
    void tiesShareTheirAverageRank() {
        assertArrayEquals(new double[]{1, 2.5, 2.5, 4}, Spearman.ranks(new double[]{1, 2, 2, 3}), 0);
        assertArrayEquals(new double[]{2, 2, 2, 4}, Spearman.ranks(new double[]{5, 5, 5, 9}), 0);
    }

    @Test
    void handWorkedCaseWithTies() {
        // ranks x = 1, 2.5, 2.5, 4 and y = 1, 3, 2, 4 (means 2.5): deviations (-1.5,0,0,1.5) and
        // (-1.5,.5,-.5,1.5); Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5, so rho = 4.5/sqrt(22.5) = sqrt(0.9).
        assertEquals(Math.sqrt(0.9), Spearman.rho(new double[]{1, 2, 2, 3}, new double[]{1, 3, 2, 4}), 1e-15);
    }

    @Test
    void monotoneIsOneAndReversedIsMinusOne() {
        double[] x = {0.1, 0.5, 2, 7, 30};
        double[] cube = new double[x.length];
        double[] neg = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            cube[i] = x[i] * x[i] * x[i];
            neg[i] = -Math.exp(x[i]);
        }
        assertEquals(1.0, Spearman.rho(x, cube), 1e-15);
        assertEquals(-1.0, Spearman.rho(x, neg), 1e-15);
    }
}
