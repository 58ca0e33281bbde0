package dev.loupe.ensemble;

import dev.loupe.ensemble.stats.Auroc;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestAuroc {
    @Test
    void textbookCase() {
        // scikit-learn's roc_auc_score docstring example: y = [0,0,1,1], scores [0.1,0.4,0.35,0.8] -> 0.75
        // (pairs: 0.35 beats 0.1, loses to 0.4; 0.8 beats both -> 3 of 4)
        assertEquals(0.75, Auroc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}), 1e-15);
    }

    @Test
    void tiesCountHalf() {
        assertEquals(0.5, Auroc.of(new double[] {1, 1, 1, 1}, new boolean[] {true, false, true, false}), 1e-15);
        // positive 2 vs negatives {2, 1}: ½ + 1; positive 3 beats both: 2 -> 3.5/4
        assertEquals(3.5 / 4, Auroc.of(new double[] {2, 3, 2, 1}, new boolean[] {true, true, false, false}), 1e-15);
    }

    @Test
    void perfectReversedAndUndefined() {
        assertEquals(1.0, Auroc.of(new double[] {0, 1, 2}, new boolean[] {false, true, true}), 1e-15);
        assertEquals(0.0, Auroc.of(new double[] {0, 1, 2}, new boolean[] {true, false, false}), 1e-15);
        assertTrue(Double.isNaN(Auroc.of(new double[] {0, 1}, new boolean[] {true, true})));
    }
}
