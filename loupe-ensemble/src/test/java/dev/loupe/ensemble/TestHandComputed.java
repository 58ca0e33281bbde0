package dev.loupe.ensemble;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.Bound;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.stats.EnsembleAnalyzer;
import dev.loupe.ensemble.stats.Indicators;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 3 members x 6 samples, every number worked out by hand in the comments. */
class TestHandComputed {
    static final double EPS = 1e-12;

    static Predictions binary() {
        // truth 0 0 0 1 1 1
        // A     0 1 1 1 0 1   wrong at 1,2,4  -> 3/6
        // B     0 1 0 0 0 1   wrong at 1,3,4  -> 3/6
        // C     1 0 1 1 1 1   wrong at 0,2    -> 2/6
        // wrong members per sample w = 1 2 2 1 2 0
        return new Predictions(List.of("A", "B", "C"),
                new int[][] {{0, 1, 1, 1, 0, 1}, {0, 1, 0, 0, 0, 1}, {1, 0, 1, 1, 1, 1}}, null,
                new int[] {0, 0, 0, 1, 1, 1}, 2);
    }

    static Predictions threeClass() {
        // truth 0 1 2 0 1 2
        // A     0 1 2 1 2 0   wrong at 3,4,5
        // B     0 2 2 2 1 1   wrong at 1,3,5
        // C     1 1 2 1 0 2   wrong at 0,3,4
        // w = 1 1 0 3 2 2; votes s3: class1 x2 -> wrong; s4, s5: three-way ties -> wrong (ties are errors)
        return new Predictions(List.of("A", "B", "C"),
                new int[][] {{0, 1, 2, 1, 2, 0}, {0, 2, 2, 2, 1, 1}, {1, 1, 2, 1, 0, 2}}, null,
                new int[] {0, 1, 2, 0, 1, 2}, 3);
    }

    @Test
    void binaryEnsemble() {
        EnsembleStats s = EnsembleAnalyzer.analyze(binary());
        assertEquals(3.0 / 6, s.memberErrors().get(0).error(), EPS);
        assertEquals(2.0 / 6, s.memberErrors().get(2).error(), EPS);
        assertEquals(8.0 / 18, s.meanError(), EPS);
        assertEquals(3.0 / 6, s.majorityVoteError(), EPS); // samples 1, 2, 4 have 2 of 3 wrong
        assertEquals(3.0 / 6, s.majorityVoteErrorRandomTies(), EPS); // odd M, two classes: no ties
        // E[W²] = (1+4+4+1+4+0)/9/6 = 14/54
        assertEquals(14.0 / 54, s.tandemLoss(), EPS);
        // disagreeing samples: A-B {2,3}, A-C {0,1,4}, B-C {0,1,2,3,4} -> distinct mean 10/18
        assertEquals(10.0 / 18, s.pairwiseDisagreement(), EPS);
        assertEquals(2.0 / 3 * 10 / 18, s.disagreement(), EPS);
        assertEquals(s.disagreement(), s.errorDisagreement(), EPS); // two classes: disagreeing = exactly one wrong
        // binary identity: E[W²] = E[L] − D_ρ/2
        assertEquals(s.meanError() - s.disagreement() / 2, s.tandemLoss(), EPS);
        assertEquals(List.of(1L, 2L, 3L, 0L), s.wHistogram().samples());
        // η = P(W > 1/2)/E[W²] = (3/6)/(14/54) = 27/14
        assertEquals(27.0 / 14, s.polarization().eta(), EPS);
        assertEquals(27.0 / 14, s.polarization().etaWithTies(), EPS);
        assertFalse(s.polarization().withinLaw());
        // Cantelli: (14/54 − (4/9)²)/(14/54 − 4/9 + 1/4) = 20/21
        assertEquals(20.0 / 21, bound(s, "C-bound (Cantelli)").value(), 1e-12);
        assertEquals(4 * 14.0 / 54, bound(s, "tandem").value(), EPS);
        assertEquals(2 * 8.0 / 18, bound(s, "first order").value(), EPS);
        // two classes: every wrong vote goes to the one other class, so B = 0, m* = m̄ = 1 and the
        // restricted-entropy form η·2·1/(1+1)·(E[L] − D/2) equals η·E[W²] = P(W ≥ 1/2) = 1/2
        assertEquals(0, s.wrongVoteSpread().bothWrongDisagree(), EPS);
        assertEquals(1, s.wrongVoteSpread().maxWrongClasses(), EPS);
        assertEquals(1, s.wrongVoteSpread().effectiveWrongClasses(), EPS);
        Bound linear = bound(s, "restricted entropy, measured η");
        assertEquals(0.5, linear.value(), 1e-12);
        assertTrue(linear.holds());
        Bound law = bound(s, "polarization law");
        assertFalse(law.holds()); // 4/3·14/54 = 0.3457 < 0.5: this ensemble breaks the law …
        assertFalse(law.applies()); // … and is not 4/3-polarized (η = 27/14), so no guarantee was broken
        // competence: W = 1/3 ×2, 2/3 ×3, 0 ×1. For t in (0, 1/3]: P(t ≤ W < 1/2) = 2/6 < P(1/2 ≤ W ≤ 1 − t) = 3/6
        assertFalse(s.competence().competent());
        assertEquals(0, s.competence().violatedFrom(), EPS);
        assertEquals(1.0 / 3, s.competence().violatedTo(), EPS);
        assertEquals(2, s.competence().lower());
        assertEquals(3, s.competence().upper());
        assertFalse(bound(s, "competence").applies());
    }

    @Test
    void threeClassEnsemble() {
        EnsembleStats s = EnsembleAnalyzer.analyze(threeClass());
        assertEquals(0.5, s.meanError(), EPS);
        assertEquals(0.5, s.majorityVoteError(), EPS); // samples 3, 4, 5
        // random tie-breaking: s4 and s5 are three-way ties containing the truth -> 2/3 each; s3 -> 1
        assertEquals((1 + 2.0 / 3 + 2.0 / 3) / 6, s.majorityVoteErrorRandomTies(), EPS);
        assertEquals(19.0 / 54, s.tandemLoss(), EPS); // w² = 1+1+0+9+4+4
        // disagreeing samples: A-B {1,3,4,5}, A-C {0,4,5}, B-C {0,1,3,4,5} -> 12/18
        assertEquals(2.0 / 3, s.pairwiseDisagreement(), EPS);
        assertEquals(4.0 / 9, s.disagreement(), EPS);
        // exactly one wrong: A^B {1,4}, A^C {0,5}, B^C {0,1,4,5} -> distinct 8/18, V-statistic 2/3 of it
        assertEquals(8.0 / 27, s.errorDisagreement(), EPS);
        assertEquals(s.meanError() - s.errorDisagreement() / 2, s.tandemLoss(), EPS);
        assertEquals(27.0 / 19, s.polarization().eta(), EPS);
        assertTrue(bound(s, "polarization, measured η").holds());
        // wrong votes per sample (class: votes): s0 {1:1}, s1 {2:1}, s2 none, s3 {1:2, 2:1}, s4 {2:1, 0:1}, s5 {0:1, 1:1}
        // pairs both wrong but disagreeing, w² − Σc²: 0, 0, 0, 9 − 5, 4 − 2, 4 − 2 -> B = 8/9/6 = 4/27
        assertEquals(4.0 / 27, s.wrongVoteSpread().bothWrongDisagree(), EPS);
        assertEquals(s.meanError() - s.disagreement() / 2 + s.wrongVoteSpread().bothWrongDisagree() / 2, s.tandemLoss(), EPS);
        // w²/Σc² per sample: 1, 1, –, 9/5, 2, 2 -> m* = 2; m̄ = 1/(1 − (8/54)/(19/54)) = 19/11
        assertEquals(2, s.wrongVoteSpread().maxWrongClasses(), EPS);
        assertEquals(19.0 / 11, s.wrongVoteSpread().effectiveWrongClasses(), EPS);
        // η·2m/(m+1)·(E[L] − D/2) = 27/19 · 4/3 · 5/18 = 10/19 ≥ 1/2; without the factor (m = 1) it would be 0.395 < 1/2
        Bound linear = bound(s, "restricted entropy, measured η");
        assertEquals(10.0 / 19, linear.value(), EPS);
        assertTrue(linear.holds());
        // competence: t = 0: 3 below 1/2 vs 3 at or above; t in (0, 1/3]: W = 1/3 ×2 vs W in [1/2, 2/3] ×2; beyond: none
        assertTrue(s.competence().competent());
        assertEquals(38.0 / 54, bound(s, "competence").value(), EPS);
        assertEquals(4 * 2.0 / 3 * 5 / 18, bound(s, "competence, K classes").value(), EPS);
        assertTrue(bound(s, "competence, K classes").holds());
    }

    @Test
    void evenEnsembleTiesAreErrors() {
        // 2 members, 2 classes, truth 0 0: sample 0 split 0/1 (W = 1/2, tie), sample 1 both right
        Predictions p = new Predictions(List.of("a", "b"), new int[][] {{0, 0}, {1, 0}}, null, new int[] {0, 0}, 2);
        EnsembleStats s = EnsembleAnalyzer.analyze(p);
        assertEquals(0.5, s.majorityVoteError(), EPS);
        assertEquals(0.25, s.majorityVoteErrorRandomTies(), EPS);
        assertEquals(0, s.polarization().pWAboveHalf(), EPS);
        assertEquals(0.5, s.polarization().pWAtLeastHalf(), EPS);
        assertEquals(0.5 / (0.25 / 2), s.polarization().etaWithTies(), EPS); // E[W²] = (1/4 + 0)/2
        assertTrue(s.polarization().withinLaw()); // the paper's η = 0/E[W²] = 0: ties do not count in P(W > 1/2)
    }

    @Test
    void indicatorsOnThreeClassCase() {
        // per-sample distinct-pair disagreement: 2/3 2/3 0 2/3 1 1; wrong votes at 3, 4, 5
        // positives {2/3, 1, 1} vs negatives {2/3, 2/3, 0}: 2/3 beats 0 and ties twice (1 + 2·½), each 1 beats all 3 -> 8/9
        ErrorIndicators ind = Indicators.of("in", threeClass());
        assertEquals(8.0 / 9, ind.aurocs().get(0).auroc(), EPS);
        assertEquals(8.0 / 9, ind.aurocs().get(1).auroc(), EPS); // vote entropy ranks samples the same way
        // 6 samples in 12 bins: one sample per bin, but equal disagreements stay together and a tail shorter than
        // half a bin is folded in -> {0}, {2/3 ×3}, {1 ×2}
        assertEquals(3, ind.bins().size());
        assertEquals(0.0, ind.bins().get(0).meanDisagreement(), EPS);
        assertEquals(3, ind.bins().get(1).samples());
        assertEquals(1.0 / 3, ind.bins().get(1).mvError(), EPS); // 2/3 bin: samples 0, 1, 3, one wrong
        assertEquals(1.0, ind.bins().get(2).mvError(), EPS);
    }

    static Bound bound(EnsembleStats s, String name) {
        return s.bounds().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }
}
