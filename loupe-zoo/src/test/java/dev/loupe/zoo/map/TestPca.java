package dev.loupe.zoo.map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestPca {
    @Test
    void rotatedCrossHasKnownAxesAndVariance() {
        // (±3, 0) and (0, ±1) rotated by 30°: the sums of squares along the axes are 18 and 2, so PC1
        // explains 18/20 = 0.9 along (cos 30°, sin 30°) and PC2 0.1 along (-sin 30°, cos 30°).
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        double[][] base = {{3, 0}, {-3, 0}, {0, 1}, {0, -1}};
        double[][] x = new double[4][];
        for (int i = 0; i < 4; i++) {
            double u = base[i][0];
            double v = base[i][1];
            x[i] = new double[]{c * u - s * v + 10, s * u + c * v - 4}; // shifted: PCA centres first
        }
        Pca.Result r = Pca.fit(x, 2, false);
        assertEquals(0.9, r.explained()[0], 1e-12);
        assertEquals(0.1, r.explained()[1], 1e-12);
        assertEquals(c, r.components()[0][0], 1e-12); // sign: largest loading positive
        assertEquals(s, r.components()[0][1], 1e-12);
        assertEquals(3.0, Math.abs(r.scores()[0][0]), 1e-12);
        assertEquals(0.0, r.scores()[0][1], 1e-12);
        assertEquals(1.0, Math.abs(r.scores()[2][1]), 1e-12);
    }

    @Test
    void standardizedPerfectlyCorrelatedColumnsNeedOneComponent() {
        // Column 2 = 100 · column 1 - 7: after standardization both are the same z, so PC1 is
        // (1,1)/sqrt 2 and explains everything.
        double[][] x = {{1, 93}, {2, 193}, {4, 393}, {7, 693}};
        Pca.Result r = Pca.fit(x, 2, true);
        assertEquals(1.0, r.explained()[0], 1e-12);
        assertEquals(Math.sqrt(0.5), r.components()[0][0], 1e-12);
        assertEquals(Math.sqrt(0.5), r.components()[0][1], 1e-12);
    }
}
