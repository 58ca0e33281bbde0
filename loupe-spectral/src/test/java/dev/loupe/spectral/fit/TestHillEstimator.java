package dev.loupe.spectral.fit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestHillEstimator {
    @Test
    void handWorkedCase() {
        // n = 4: i = 2, k = 2, xmin = 4; alpha = 1 + 2 / (ln 4 + ln 16 − 2 ln 4) = 1 + 2 / ln 4
        double a = HillEstimator.plAlphaHill(new double[] {1, 2, 4, 16});
        assertEquals(1 + 2 / Math.log(4), a, 1e-15);
        // odd n = 5: i = 2, k = 3 over {3, 9, 27}: Σ ln = 6 ln 3, − 3 ln 3 -> 1 + 3 / (3 ln 3)
        assertEquals(1 + 1 / Math.log(3), HillEstimator.plAlphaHill(new double[] {1, 2, 3, 9, 27}), 1e-15);
    }

    @Test
    void paretoTopHalf() {
        double[] x = TestPowerLawFitter.pareto(40000, 3.0, 1.0, 11);
        // the top half of a Pareto is again Pareto with the same exponent
        assertEquals(3.0, HillEstimator.plAlphaHill(x), 0.05);
        assertTrue(Double.isNaN(HillEstimator.plAlphaHill(new double[] {5, 5})));
    }
}
