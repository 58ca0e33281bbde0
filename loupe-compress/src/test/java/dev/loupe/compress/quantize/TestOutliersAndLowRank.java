package dev.loupe.compress.quantize;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestOutliersAndLowRank {
    @Test
    void largestMarksTopMagnitudes() {
        // |w| = 1, 10, 2, 10, 3: top 40% of 5 = 2 entries: both 10s
        assertArrayEquals(new boolean[] {false, true, false, true, false},
                Outliers.largest(new float[] {1, -10, 2, 10, 3}, 0.4));
        // top 20% = 1 entry; tie between the 10s: the higher index counts as larger
        assertArrayEquals(new boolean[] {false, false, false, true, false},
                Outliers.largest(new float[] {1, -10, 2, 10, 3}, 0.2));
    }

    @Test
    void outliersAreExactAndShrinkTheStep() {
        Random rnd = new Random(9);
        int rows = 8;
        int cols = 128;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian() * 0.1f;
        }
        w[17] = 25f;
        w[300] = -40f;
        QuantSpec spec = new QuantSpec(4, true, 0);
        QuantizedMatrix plain = RoundToNearest.quantize(w, rows, cols, spec);
        QuantizedMatrix ds = Outliers.quantize(w, rows, cols, spec, 0.002); // round(0.002·1024) = 2
        assertEquals(2, ds.outlierCount());
        float[] d = ds.dequantize();
        assertEquals(25f, d[17]);
        assertEquals(-40f, d[300]);
        assertTrue(ds.scales()[0] < plain.scales()[0] / 10);
        assertTrue(QuantError.squared(w, d) < QuantError.squared(w, plain.dequantize()) / 10);
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - d[i]) <= ds.scaleAt(i / cols, i % cols) / 2 * (1 + 1e-5));
        }
    }

    @Test
    void lowRankFollowsEckartYoung() {
        Random rnd = new Random(1);
        int rows = 20;
        int cols = 30;
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        float[] deq = RoundToNearest.quantize(w, rows, cols, new QuantSpec(3, true, 0)).dequantize();
        double before = QuantError.squared(w, deq);
        for (int rank : new int[] {1, 4, 10}) {
            LowRankCompensation.Factors f = LowRankCompensation.of(w, deq, rows, cols, rank);
            double[] sv = f.singularValues();
            double total = 0;
            double tail = 0;
            for (int i = 0; i < sv.length; i++) {
                total += sv[i] * sv[i];
                tail += i >= rank ? sv[i] * sv[i] : 0;
                assertTrue(i == 0 || sv[i] <= sv[i - 1]);
            }
            // ||E||_F^2 = sum of all sigma^2, and the best rank-r residual is the sum of the rest
            assertEquals(before, total, before * 1e-6);
            assertEquals(tail, QuantError.squared(w, f.addTo(deq)), before * 1e-5);
        }
        // full rank reconstructs the original
        float[] full = LowRankCompensation.of(w, deq, rows, cols, rows).addTo(deq);
        assertTrue(QuantError.squared(w, full) < before * 1e-9);
    }
}
