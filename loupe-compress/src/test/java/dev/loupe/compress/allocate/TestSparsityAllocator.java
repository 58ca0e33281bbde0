package dev.loupe.compress.allocate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestSparsityAllocator {
    private static final List<SparsityAllocator.Layer> THREE = List.of(
            new SparsityAllocator.Layer("a", 100, 2.0),
            new SparsityAllocator.Layer("b", 200, 4.0),
            new SparsityAllocator.Layer("c", 700, 6.0));

    @Test
    void alphaHandWorked() {
        // S = 0.5, eps = 0.3, alphas 2, 4, 6 (min 2, max 6):
        //   r = 0.7 + 0.6·(alpha − 2)/4 = 0.7, 1.0, 1.3
        //   ΣP = 1000, ΣP·r = 70 + 200 + 910 = 1180, scaler = 0.5·1000/1180 = 0.4237288135...
        //   s = 0.7·0.42373 = 0.2966101695, 1.0·0.42373 = 0.4237288136, 1.3·0.42373 = 0.5508474576
        //   check: (29.661 + 84.746 + 385.593)/1000 = 0.5
        Allocation a = SparsityAllocator.alpha(THREE, 0.5);
        assertEquals(0.35 / 1.18, a.valueOf("a"), 1e-12);
        assertEquals(0.50 / 1.18, a.valueOf("b"), 1e-12);
        assertEquals(0.65 / 1.18, a.valueOf("c"), 1e-12);
        assertEquals(0.5, a.weightedMean(), 1e-12);
    }

    @Test
    void alphaClampsAndResolves() {
        // S = 0.9, eps = 0.5, sizes 100, 100, 800, alphas 2, 4, 6: r = 0.5, 1.0, 1.5
        //   ΣP·r = 50 + 100 + 1200 = 1350, scaler = 900/1350 = 2/3 -> s = 1/3, 2/3, 1.0: "c" exceeds the cap 0.99.
        //   fix c at 0.99 (792 of the 900 budget), the rest 108 spread by r over a and b:
        //   c' = 108 / (50 + 100) = 0.72 -> s = 0.36, 0.72, 0.99; check: 36 + 72 + 792 = 900.
        List<SparsityAllocator.Layer> l = List.of(
                new SparsityAllocator.Layer("a", 100, 2.0),
                new SparsityAllocator.Layer("b", 100, 4.0),
                new SparsityAllocator.Layer("c", 800, 6.0));
        Allocation a = SparsityAllocator.alpha(l, 0.9, 0.5, 0.99, null);
        assertEquals(0.36, a.valueOf("a"), 1e-12);
        assertEquals(0.72, a.valueOf("b"), 1e-12);
        assertEquals(0.99, a.valueOf("c"), 1e-12);
        assertEquals(0.9, a.weightedMean(), 1e-12);
    }

    @Test
    void blockwiseAveragesWithinBlocks() {
        // blocks {a, b} (mean alpha 3) and {c} (6): r = 0.7, 0.7, 1.3;
        // ΣP·r = 70 + 140 + 910 = 1120, scaler = 500/1120 -> s = 0.3125, 0.3125, 0.5803571...
        Allocation a = SparsityAllocator.alpha(THREE, 0.5, 0.3, 0.99, n -> n.equals("c") ? "1" : "0");
        assertEquals(0.35 / 1.12, a.valueOf("a"), 1e-12);
        assertEquals(0.35 / 1.12, a.valueOf("b"), 1e-12);
        assertEquals(0.65 / 1.12, a.valueOf("c"), 1e-12);
    }

    @Test
    void equalMetricsAndUniformGiveS() {
        List<SparsityAllocator.Layer> same = List.of(new SparsityAllocator.Layer("a", 10, 3), new SparsityAllocator.Layer("b", 90, 3));
        assertEquals(0.7, SparsityAllocator.alpha(same, 0.7).valueOf("a"), 1e-12);
        assertEquals(0.7, SparsityAllocator.uniform(THREE, 0.7).valueOf("c"));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> SparsityAllocator.alpha(THREE, 1.0));
        assertThrows(IllegalArgumentException.class, () -> SparsityAllocator.alpha(THREE, 0.5, 1.5, 0.99, null));
        assertThrows(IllegalArgumentException.class, () -> SparsityAllocator.alpha(
                List.of(new SparsityAllocator.Layer("a", 1, Double.NaN)), 0.5));
    }
}
