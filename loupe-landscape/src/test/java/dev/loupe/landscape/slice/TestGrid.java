package dev.loupe.landscape.slice;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TestGrid {
    @Test
    void theDefaultCheckpointLineEvaluatesBothCheckpoints() {
        double[] even = Grid.linspace(-0.5, 1.5, 51); // step 0.04: -0.5 + 0.04k never hits 0 or 1
        double[] g = Grid.including(even, 0, 1);
        assertEquals(53, g.length);
        assertEquals(0.0, g[13]); // after the 13 points -0.5 .. -0.02
        assertEquals(1.0, g[39]);
        for (int i = 1; i < g.length; i++) {
            assertEquals(true, g[i] > g[i - 1], "sorted at " + i);
        }
    }

    @Test
    void anchorsAlreadyOnTheGridOrOutsideItAddNothing() {
        double[] even = Grid.linspace(-1, 1, 51); // 0 is point 25
        assertArrayEquals(even, Grid.including(even, 0));
        assertArrayEquals(even, Grid.including(even, 2.5));
    }
}
