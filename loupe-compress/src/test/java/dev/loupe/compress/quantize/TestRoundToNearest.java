package dev.loupe.compress.quantize;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestRoundToNearest {
    @Test
    void symmetricHandWorked() {
        // 4 bits symmetric: qmax = 7. Row [0.7, -0.35, 0.1, 0]: scale = 0.7/7 = 0.1,
        // codes = round([7, -3.5, 1, 0]) = [7, -4 (rint: ties to even), 1, 0]
        QuantizedMatrix q = RoundToNearest.quantize(new float[] {0.7f, -0.35f, 0.1f, 0}, 1, 4, new QuantSpec(4, true, 0));
        assertEquals(0.1f, q.scales()[0], 1e-7);
        assertEquals(7, q.codes()[0]);
        assertEquals(1, q.codes()[2]);
        assertEquals(0, q.codes()[3]);
        assertTrue(q.codes()[1] == -4 || q.codes()[1] == -3); // exactly half way in decimal, not in binary
    }

    @Test
    void asymmetricHandWorked() {
        // 2 bits asymmetric, range widened to include 0: [0, 3] -> scale = 1, zero = 0, codes = w
        QuantizedMatrix q = RoundToNearest.quantize(new float[] {0, 1, 2, 3}, 1, 4, new QuantSpec(2, false, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3}, q.codes());
        assertEquals(1f, q.scales()[0]);
        // [-3, 0]: scale = 1, zero = round(3/1) = 3, codes = w + 3
        q = RoundToNearest.quantize(new float[] {-3, -2, -1, 0}, 1, 4, new QuantSpec(2, false, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3}, q.codes());
        assertEquals(3, q.zeros()[0]);
        assertArrayEquals(new float[] {-3, -2, -1, 0}, q.dequantize());
    }

    @Test
    void errorIsAtMostHalfAStep() {
        Random rnd = new Random(42);
        int rows = 24;
        int cols = 256;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * (1 + (i % 7))) + (i % 3 == 0 ? 0.5f : 0); // skewed groups
        }
        for (int bits = 2; bits <= 8; bits++) {
            for (boolean sym : new boolean[] {true, false}) {
                for (int group : new int[] {0, 32, 64, 128}) {
                    QuantSpec spec = new QuantSpec(bits, sym, group);
                    QuantizedMatrix q = RoundToNearest.quantize(w, rows, cols, spec);
                    float[] d = q.dequantize();
                    int groups = group == 0 ? 1 : cols / group;
                    assertEquals(rows * groups, q.scales().length);
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            int i = r * cols + c;
                            assertTrue(q.codes()[i] >= spec.qmin() && q.codes()[i] <= spec.qmax());
                            float s = q.scaleAt(r, c);
                            // float rounding of (q - z)·s adds at most an ulp-level term
                            assertTrue(Math.abs(w[i] - d[i]) <= s / 2 * (1 + 1e-5) + 1e-7,
                                    spec + " at " + i + ": |" + w[i] + " - " + d[i] + "| > " + s / 2);
                        }
                    }
                    // the step is the textbook one: range / levels
                    float[] g0 = java.util.Arrays.copyOfRange(w, 0, group == 0 ? cols : group);
                    double max = 0;
                    double min = 0;
                    for (float v : g0) {
                        max = Math.max(max, v);
                        min = Math.min(min, v);
                    }
                    double expected = sym ? Math.max(max, -min) / ((1 << (bits - 1)) - 1) : (max - min) / ((1 << bits) - 1);
                    assertEquals(expected, q.scales()[0], expected * 1e-6);
                }
            }
        }
    }

    @Test
    void moreBitsLessError() {
        Random rnd = new Random(5);
        float[] w = new float[64 * 64];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        double prev = Double.MAX_VALUE;
        for (int bits = 2; bits <= 8; bits++) {
            double err = QuantError.squared(w, RoundToNearest.quantize(w, 64, 64, new QuantSpec(bits, true, 64)).dequantize());
            assertTrue(err < prev);
            prev = err;
        }
    }

    @Test
    void allZeroGroupIsExact() {
        QuantizedMatrix q = RoundToNearest.quantize(new float[8], 2, 4, new QuantSpec(3, false, 2));
        assertArrayEquals(new float[8], q.dequantize());
    }
}
