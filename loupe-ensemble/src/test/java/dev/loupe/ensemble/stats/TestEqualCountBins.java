package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.result.DisagreementBin;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestEqualCountBins {
    @Test
    void wilsonIntervalMatchesTextbookValues() {
        // Wilson score intervals at 95 %: 5/10 -> [0.2366, 0.7634]; 0/10 -> [0, 0.2775] (Agresti & Coull 1998 tables;
        // also R's prop.test(correct = FALSE)).
        double[] half = EqualCountBins.wilson(5, 10);
        assertEquals(0.2366, half[0], 5e-5);
        assertEquals(0.7634, half[1], 5e-5);
        double[] zero = EqualCountBins.wilson(0, 10);
        assertEquals(0, zero[0], 1e-12);
        assertEquals(0.2775, zero[1], 5e-5);
    }

    @Test
    void binsHoldEqualCountsAndNeverSplitTies() {
        // 10 samples, 3 bins -> target 4 per bin: sorted scores 0 0 0 0 0 | .1 .2 .2 .2 | .9 (a 1-sample tail < 2 is folded)
        double[] score = {0.2, 0, 0.9, 0, 0.1, 0, 0.2, 0, 0.2, 0};
        boolean[] wrong = {true, false, true, false, false, false, false, true, true, false};
        List<DisagreementBin> bins = EqualCountBins.of(score, wrong, 3);
        assertEquals(2, bins.size());
        // first bin: the five zeros (the tie group is not split at 4), one wrong
        assertEquals(5, bins.get(0).samples());
        assertEquals(0, bins.get(0).high(), 0);
        assertEquals(1.0 / 5, bins.get(0).mvError(), 1e-12);
        // second: .1 .2 .2 .2 plus the folded .9; wrong at .2 (index 0), .2 (index 8), .9 -> 3/5; mean 1.6/5
        assertEquals(5, bins.get(1).samples());
        assertEquals(0.1, bins.get(1).low(), 0);
        assertEquals(0.9, bins.get(1).high(), 0);
        assertEquals(3.0 / 5, bins.get(1).mvError(), 1e-12);
        assertEquals(1.6 / 5, bins.get(1).meanDisagreement(), 1e-12);
    }
}
