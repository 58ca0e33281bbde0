package dev.loupe.diff.delta;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestUpdateSpectrum {
    @Test
    void equalSingularValuesHaveFullEffectiveRank() {
        double[] ev = new double[12];
        java.util.Arrays.fill(ev, 4.0);
        UpdateSpectrum u = UpdateSpectrum.of(ev);
        assertEquals(12, u.nonzero());
        assertEquals(12.0, u.effectiveRank(), 1e-12); // exp(ln 12)
        assertEquals(12.0, u.stableRank(), 1e-12);
        assertEquals(2.0, u.topSingular()[0], 0.0);
    }

    @Test
    void handWorkedEffectiveRankAndZeros() {
        // singular values 3 and 1 (eigenvalues 9, 1), two zero directions: p = (3/4, 1/4)
        UpdateSpectrum u = UpdateSpectrum.of(new double[]{0, 9, 0, 1});
        double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertEquals(2, u.nonzero());
        assertEquals(Math.exp(h), u.effectiveRank(), 1e-12);
        assertEquals(10.0 / 9.0, u.stableRank(), 1e-12);
        assertTrue(Double.isNaN(u.alpha()));
        assertTrue(u.note().contains("too few eigenvalues (2 < 10)"), u.note());
    }

    @Test
    void ckaOfAMatrixWithItselfIsOneAndOfOrthogonalColumnsZero() {
        float[] w = {1, 2, 3, 4, 5, 6};
        assertEquals(1.0, Distances.cka(List.of(w), List.of(w), 3, 2), 1e-12);
        float[] x = {1, 0, 0, 0};
        float[] y = {0, 0, 0, 1};
        // XᵀY = 0 for X = e1e1ᵀ, Y = e2e2ᵀ
        assertEquals(0.0, Distances.cka(List.of(x), List.of(y), 2, 2), 0.0);
        // ‖W₁ − W₂‖_F for W₂ = W₁ + 1 everywhere: √6
        float[] w2 = {2, 3, 4, 5, 6, 7};
        assertEquals(Math.sqrt(6), Distances.euclidean(List.of(w), List.of(w2)), 1e-12);
    }
}
