package dev.loupe.compress.allocate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestOutlierRatio {
    @Test
    void handWorked() {
        // [2, 5] matrix, norms all 1 except column 4 (norm 10):
        // |W| = [1 1 1 1 1 ; 1 1 1 1 6] -> A = [1 1 1 1 10 ; 1 1 1 1 60], mean = 78/10 = 7.8
        // M = 5: threshold 39 -> only the 60 is above: ratio 1/10. M = 1: threshold 7.8 -> 10 and 60: 2/10.
        float[] w = {1, -1, 1, 1, 1, 1, 1, -1, 1, -6};
        double[] norms = {1, 1, 1, 1, 10};
        assertEquals(0.1, OutlierRatio.of(w, 2, 5, norms, 5), 1e-15);
        assertEquals(0.2, OutlierRatio.of(w, 2, 5, norms, 1), 1e-15);
    }

    @Test
    void owlMapsMoreOutliersToLessPruning() {
        // OWL through the AlphaPruning map with metric -LOD and eps = lambda/S = 0.08/0.5 = 0.16:
        // LOD a = 0.01, b = 0.03, c = 0.05, sizes 100, 200, 700. -LOD: -0.01 (max), -0.03, -0.05 (min)
        //   r = 0.84 + 0.32·(m - min)/(max - min) = 1.16, 1.00, 0.84
        //   ΣP·r = 116 + 200 + 588 = 904, scaler = 500/904 -> s = 0.641593, 0.553097, 0.464602 (weighted mean 0.5)
        List<SparsityAllocator.Layer> l = List.of(new SparsityAllocator.Layer("a", 100, -0.01),
                new SparsityAllocator.Layer("b", 200, -0.03), new SparsityAllocator.Layer("c", 700, -0.05));
        Allocation a = SparsityAllocator.alpha(l, 0.5, OutlierRatio.DEFAULT_LAMBDA / 0.5, 0.99, null);
        assertEquals(0.58 / 0.904, a.valueOf("a"), 1e-12);
        assertEquals(0.50 / 0.904, a.valueOf("b"), 1e-12);
        assertEquals(0.42 / 0.904, a.valueOf("c"), 1e-12);
        assertEquals(0.5, a.weightedMean(), 1e-12);
    }
}
