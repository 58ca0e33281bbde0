package dev.loupe.report.landscape;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestHessianCharts {
    /** 10,000 points of zeros with one spike of 5 at an odd index: the spike and its place survive decimation. */
    @Test
    void decimationKeepsEverySpike() {
        int n = 10_000;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        y[4321] = 5;
        double[][] d = HessianCharts.decimate(x, y, 1e-9);
        assertEquals(2 * HessianCharts.BUCKETS, d[0].length);
        double max = 0, at = -1;
        for (int i = 0; i < d[0].length; i++) {
            if (d[1][i] > max) {
                max = d[1][i];
                at = d[0][i];
            }
            assertTrue(d[1][i] >= 1e-9, "clipped at the floor");
            assertTrue(i == 0 || d[0][i] >= d[0][i - 1], "x stays in order");
        }
        assertEquals(5, max);
        assertEquals(4321, at);
    }
}
