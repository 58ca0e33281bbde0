package dev.loupe.spectral.vectors;

import dev.loupe.spectral.fit.EqualBins;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-worked cases of the per-vector statistics and of numpy's equal-bin histogram. */
class TestEigenvectorMetrics {
    @Test
    void aVectorOnOneCoordinateIsFullyLocalized() {
        double[] e = {0, 0, -3, 0};
        assertEquals(1.0, EigenvectorMetrics.localizationRatio(e), 0);
        assertEquals(1.0, EigenvectorMetrics.participationRatio(e), 0);
    }

    @Test
    void aFlatVectorIsSpreadOverAllCoordinates() {
        int n = 16;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 2 == 0 ? 1 : -1) / 4.0; // unit norm, signs do not matter
        }
        assertEquals(n, EigenvectorMetrics.localizationRatio(v), 1e-12);
        // ‖v‖₂ = 1, ‖v‖₄ = (n·n⁻²)^¼ = n^-¼
        assertEquals(Math.pow(n, 0.25), EigenvectorMetrics.participationRatio(v), 1e-12);
        // |v| − mean|v| is all zeros: numpy widens the range to ±0.5, all mass in bin 50 (density 100), 99 empty
        // bins; p = (d + 1e-10)/Σ, so H = −p₅₀ ln p₅₀ − 99 p₀ ln p₀
        double total = 100 + 100 * 1e-10;
        double p50 = (100 + 1e-10) / total;
        double p0 = 1e-10 / total;
        // ill-conditioned (−p₅₀ ln p₅₀ with p₅₀ = 1 − 1e-10·99/100 keeps ~6 digits): absolute 1e-14
        assertEquals(-p50 * Math.log(p50) - 99 * p0 * Math.log(p0), EigenvectorMetrics.discreteEntropy(v), 1e-14);
        assertEquals(2.8344716757156487e-09, EigenvectorMetrics.discreteEntropy(v), 1e-14); // RMT_Util.discrete_entropy
    }

    @Test
    void discreteEntropyOfTwoLevels() {
        // |v| is 1 or 3, centered ±1: the end bins (width 0.02) hold half the mass each, density 25 (Σ = 50)
        double[] v = {1, -1, 3, 3, -1, 1, -3, -3};
        double p = (25 + 1e-10) / (50 + 100e-10);
        double q = 1e-10 / (50 + 100e-10);
        double h = -2 * p * Math.log(p) - 98 * q * Math.log(q);
        assertEquals(h, EigenvectorMetrics.discreteEntropy(v), 1e-14);
        // WeightWatcher 0.7.5.5's RMT_Util.discrete_entropy on the same vector (Debian python3, numpy 1.24.2)
        assertEquals(0.6931471858999114, EigenvectorMetrics.discreteEntropy(v), 1e-14);
    }

    @Test
    void equalBinsAsNumpy() {
        // np.histogram(np.arange(11)/10, bins=5) (numpy 1.24.2): counts [2, 2, 3, 1, 3] -- 0.6 lies below the
        // edge 0.6000000000000001 (= 3·0.2), so numpy's edge check moves it to bin 2; density as numpy prints it
        double[] a = new double[11];
        for (int i = 0; i <= 10; i++) {
            a[i] = i / 10.0;
        }
        EqualBins h = EqualBins.of(a, 5);
        assertArrayEquals(new int[]{2, 2, 3, 1, 3}, h.counts());
        assertArrayEquals(new double[]{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0}, h.edges(), 0);
        assertEquals(2, h.fullest());
        assertArrayEquals(new double[]{0.9090909090909091, 0.9090909090909091, 1.363636363636363, 0.45454545454545464,
            1.363636363636364}, h.density(), 0);
    }
}
