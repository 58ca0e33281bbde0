package dev.loupe.compress.prune;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPruners {
    @Test
    void magnitudeHandWorked() {
        // |w| = 3, 1, 4, 1, 5, 9 ; 50% of 6 = 3 pruned: the 1 at index 1, the 1 at index 3 (tie: lower index
        // first, both go), then the 3 at index 0.
        float[] w = {3, -1, 4, 1, -5, 9};
        Mask m = Pruners.prune(Pruners.magnitudeScores(w), 2, 3, 0.5, Pruners.Scope.LAYER);
        assertArrayEquals(new float[] {0, 0, 4, 0, -5, 9}, m.apply(w));
    }

    @Test
    void tiesAreBrokenByIndex() {
        float[] w = {2, 2, 2, 2};
        // 1 of 4 pruned (0.25·4); 3 of 4 at 0.75. Lower index first.
        assertArrayEquals(new float[] {0, 2, 2, 2}, Pruners.prune(w, 1, 4, 0.25, Pruners.Scope.LAYER).apply(w));
        assertArrayEquals(new float[] {0, 0, 0, 2}, Pruners.prune(w, 1, 4, 0.75, Pruners.Scope.LAYER).apply(w));
    }

    @Test
    void exactSparsityOnRandomLayers() {
        Random rnd = new Random(7);
        int[][] shapes = {{64, 48}, {10, 784}, {1, 1}, {3, 7}};
        double[] levels = {0, 0.1, 0.3, 0.5, 0.7, 0.99, 1};
        for (int[] s : shapes) {
            float[] w = new float[s[0] * s[1]];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
            }
            for (double level : levels) {
                Mask m = Pruners.prune(Pruners.magnitudeScores(w), s[0], s[1], level, Pruners.Scope.LAYER);
                assertEquals(Math.round(level * w.length), m.pruned(), s[0] + "x" + s[1] + " @" + level);
                // every kept |w| is >= every pruned |w|
                float maxPruned = 0;
                float minKept = Float.MAX_VALUE;
                for (int i = 0; i < w.length; i++) {
                    if (m.keep()[i]) {
                        minKept = Math.min(minKept, Math.abs(w[i]));
                    } else {
                        maxPruned = Math.max(maxPruned, Math.abs(w[i]));
                    }
                }
                assertTrue(m.pruned() == 0 || m.pruned() == w.length || maxPruned <= minKept);
            }
        }
    }

    @Test
    void wandaWeighsByInputNorm() {
        // [2, 2] matrix, rows (out) x cols (in). w = [[1, 2], [3, 4]], ||X|| = [10, 1]
        // scores = [[10, 2], [30, 4]]; per-row 50%: row 0 prunes col 1 (2 < 10), row 1 prunes col 1 (4 < 30),
        // although magnitude alone would prune col 0 of both rows.
        float[] w = {1, 2, 3, 4};
        float[] s = Pruners.wandaScores(w, 2, 2, new double[] {10, 1});
        assertArrayEquals(new float[] {10, 2, 30, 4}, s);
        assertArrayEquals(new float[] {1, 0, 3, 0}, Pruners.prune(s, 2, 2, 0.5, Pruners.Scope.ROW).apply(w));
        assertArrayEquals(new float[] {0, 2, 0, 4},
                Pruners.prune(Pruners.magnitudeScores(w), 2, 2, 0.5, Pruners.Scope.ROW).apply(w));
    }

    @Test
    void rowScopePrunesEachRowEqually() {
        Random rnd = new Random(3);
        float[] w = new float[12 * 20];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        Mask m = Pruners.prune(Pruners.magnitudeScores(w), 12, 20, 0.35, Pruners.Scope.ROW);
        for (int r = 0; r < 12; r++) {
            int pruned = 0;
            for (int c = 0; c < 20; c++) {
                pruned += m.keep()[r * 20 + c] ? 0 : 1;
            }
            assertEquals(7, pruned); // round(0.35·20)
        }
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Pruners.prune(new float[4], 2, 2, 1.5, Pruners.Scope.LAYER));
        assertThrows(IllegalArgumentException.class, () -> Pruners.prune(new float[4], 2, 3, 0.5, Pruners.Scope.LAYER));
        assertThrows(IllegalArgumentException.class, () -> Pruners.wandaScores(new float[4], 2, 2, new double[3]));
    }
}
