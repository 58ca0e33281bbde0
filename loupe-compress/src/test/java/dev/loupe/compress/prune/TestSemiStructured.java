package dev.loupe.compress.prune;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestSemiStructured {
    @Test
    void twoFourHandWorked() {
        // one row, two groups of 4: [1, -7, 3, 2 | 0.5, 0.25, -8, 8]
        // group 1 keeps -7 and 3; group 2 keeps -8 and 8.
        float[] w = {1, -7, 3, 2, 0.5f, 0.25f, -8, 8};
        Mask m = SemiStructured.prune(Pruners.magnitudeScores(w), 1, 8, 2, 4);
        assertArrayEquals(new float[] {0, -7, 3, 0, 0, 0, -8, 8}, m.apply(w));
    }

    @Test
    void everyGroupKeepsExactlyN() {
        Random rnd = new Random(11);
        int rows = 16;
        int cols = 64;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = rnd.nextInt(5) - 2; // many ties and exact zeros
        }
        for (int[] nm : new int[][] {{2, 4}, {1, 4}, {4, 8}}) {
            Mask m = SemiStructured.prune(Pruners.magnitudeScores(w), rows, cols, nm[0], nm[1]);
            for (int r = 0; r < rows; r++) {
                for (int g = 0; g < cols; g += nm[1]) {
                    int kept = 0;
                    float minKept = Float.MAX_VALUE;
                    float maxDropped = 0;
                    for (int i = 0; i < nm[1]; i++) {
                        int k = r * cols + g + i;
                        if (m.keep()[k]) {
                            kept++;
                            minKept = Math.min(minKept, Math.abs(w[k]));
                        } else {
                            maxDropped = Math.max(maxDropped, Math.abs(w[k]));
                        }
                    }
                    assertEquals(nm[0], kept);
                    assertTrue(maxDropped <= minKept);
                }
            }
            assertEquals(1 - (double) nm[0] / nm[1], m.sparsity(), 1e-12);
        }
    }

    @Test
    void shortTrailingGroup() {
        // 6 columns at 2:4: the trailing group of 2 keeps both
        float[] w = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(new float[] {0, 0, 3, 4, 5, 6}, SemiStructured.prune(w, 1, 6, 2, 4).apply(w));
    }

    @Test
    void rejectsBadNm() {
        assertThrows(IllegalArgumentException.class, () -> SemiStructured.prune(new float[4], 1, 4, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> SemiStructured.prune(new float[4], 1, 4, 0, 4));
    }
}
