package dev.loupe.zoo.map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TestFingerprints {
    @Test
    void statsSkipNaNAndInterpolateDepth() {
        // Finite values 2, 4, 8 (NaN skipped): mean 14/3, min 2, max 8, population sd sqrt(56/9).
        // Depth over all 4 layers (2, NaN, 4, 8): at 0 → 2, at ½ → between NaN and 4 → NaN, at 1 → 8.
        double[] s = Fingerprints.stats(new double[]{2, Double.NaN, 4, 8});
        assertArrayEquals(new double[]{14.0 / 3, 2, 8, Math.sqrt(56.0 / 9)}, java.util.Arrays.copyOf(s, 4), 1e-14);
        assertEquals(2, s[4]);
        assertEquals(Double.NaN, s[5]);
        assertEquals(8, s[6]);
        // Depth ¾ of three layers is position 1.5: halfway between 4 and 8.
        assertEquals(6.0, Fingerprints.atDepth(new double[]{2, 4, 8}, 0.75), 1e-15);
    }

    @Test
    void fixedLengthWhateverTheDepth() {
        int n = Fingerprints.featureNames().size();
        assertEquals(Fingerprints.METRICS.size() * 7, n);
        assertEquals(n, Fingerprints.of(java.util.List.of(new double[6])).length);
        assertEquals(n, Fingerprints.of(java.util.List.of(new double[6], new double[6], new double[6], new double[6])).length);
    }
}
