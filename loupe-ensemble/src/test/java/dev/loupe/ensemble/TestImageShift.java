package dev.loupe.ensemble;

import dev.loupe.core.data.Dataset;
import dev.loupe.ensemble.shift.ImageShift;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestImageShift {
    static final float[] IMAGE = {
            1, 2, 3,
            4, 5, 6,
            7, 8, 9};

    static Dataset data(float[] pixels) {
        return new Dataset(Path.of("x"), new long[] {1, 3, 3}, pixels.clone(), new int[] {4});
    }

    @Test
    void quarterTurnMovesPixelsExactly() {
        // 90° with y pointing down, counter-clockwise as displayed: the top row becomes the left column, reversed
        float[] r = new ImageShift.Rotation(90).apply(data(IMAGE)).features();
        float[] expected = {
                3, 6, 9,
                2, 5, 8,
                1, 4, 7};
        assertArrayEquals(expected, r, 1e-5f);
        assertArrayEquals(IMAGE, new ImageShift.Rotation(0).apply(data(IMAGE)).features(), 0f);
    }

    @Test
    void noiseIsSeededClampedAndKeepsLabels() {
        float[] big = new float[10_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = i % 2 == 0 ? 0 : 255;
        }
        Dataset d = new Dataset(Path.of("x"), new long[] {100}, big, new int[100]);
        Dataset a = new ImageShift.GaussianNoise(0.1, 7).apply(d);
        Dataset b = new ImageShift.GaussianNoise(0.1, 7).apply(d);
        assertArrayEquals(a.features(), b.features(), 0f);
        assertFalse(java.util.Arrays.equals(a.features(), new ImageShift.GaussianNoise(0.1, 8).apply(d).features()));
        double meanAbsMove = 0;
        for (int i = 0; i < big.length; i++) {
            float v = a.features()[i];
            assertTrue(v >= 0 && v <= 255);
            meanAbsMove += Math.abs(v - big[i]) / big.length;
        }
        // pixels at the range edges only move inward: E[max(0, N(0, s²))] = s/√(2π), s = 0.1·255
        assertEquals(25.5 * Math.sqrt(2 / Math.PI) / 2, meanAbsMove, 0.6);
        assertEquals(big[0], d.features()[0]); // input not modified
        assertArrayEquals(d.labels(), a.labels());
    }
}
