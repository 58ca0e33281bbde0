package dev.loupe.ensemble;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.result.Extrapolation;
import dev.loupe.ensemble.result.KPoint;
import dev.loupe.ensemble.stats.EnsembleAnalyzer;
import dev.loupe.ensemble.stats.Extrapolator;
import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestExtrapolation {
    @Test
    void fromAllMembersReproducesTheFullEnsembleExactly() {
        // E[W_M²] = L/M + (1 − 1/M)·T and D_ρ = (1 − 1/M)·D_distinct are identities for the full ensemble
        Predictions p = TestInvariances.random(3, 5, 300, 4);
        EnsembleStats s = EnsembleAnalyzer.analyze(p);
        Extrapolation e = Extrapolator.run(p, 5, 3, 42);
        KPoint last = e.points().get(4);
        assertEquals(s.tandemLoss(), last.tandemLoss(), 1e-12);
        assertEquals(s.tandemLoss(), last.predictedTandemLoss(), 1e-12);
        assertEquals(s.disagreement(), last.predictedDisagreement(), 1e-12);
        assertEquals(s.disagreement(), last.disagreement(), 1e-12);
        assertEquals(s.majorityVoteError(), last.mvError(), 1e-12);
    }

    @Test
    void singleMemberPoint() {
        Predictions p = TestInvariances.random(4, 4, 200, 3);
        KPoint one = Extrapolator.run(p, 2, 5, 7).points().get(0);
        assertEquals(0, one.disagreement(), 0);
        assertEquals(0, one.predictedDisagreement(), 0);
        assertEquals(one.mvError(), one.tandemLoss(), 1e-12); // one member: W ∈ {0,1}, E[W²] = L = MV error
    }

    @Test
    void independentMembersFollowTheDerivedLaw() {
        // Members drawn independently with per-sample error probability p(x) ~ U(0, 0.6): the prediction from 4
        // members must match the measured E[W_k²] and disagreement at k = 40 within sampling noise.
        Random r = new Random(11);
        int n = 5000;
        int members = 40;
        int[] truth = new int[n];
        double[] hard = new double[n];
        for (int i = 0; i < n; i++) {
            hard[i] = 0.6 * r.nextDouble();
        }
        int[][] labels = new int[members][n];
        List<String> names = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            names.add("m" + m);
            for (int i = 0; i < n; i++) {
                labels[m][i] = r.nextDouble() < hard[i] ? 1 : 0;
            }
        }
        Predictions p = new Predictions(names, labels, null, truth, 2);
        Extrapolation e = Extrapolator.run(p, 4, 20, 5);
        KPoint big = e.points().get(members - 1);
        // population values: E[p] = 0.3, E[p²] = 0.12 -> E[W_40²] = 0.12 + 0.18/40, D_ρ(40) = (39/40)·2·(0.3 − 0.12)
        assertEquals(0.12 + 0.18 / 40, big.tandemLoss(), 0.004);
        assertEquals(0.12 + 0.18 / 40, big.predictedTandemLoss(), 0.006);
        assertEquals(39.0 / 40 * 0.36, big.disagreement(), 0.005);
        assertEquals(big.disagreement(), big.predictedDisagreement(), 0.008);
    }

    @Test
    void linearPredictorWithTheSizesOwnWrongClassesIsTheLawAndRandomTiesAreScored() {
        // with m_k = 1/(1 − B_k/E[W_k²]), 4/3·2m_k/(m_k+1)·(E[L] − D_k/2) = 4/3·E[W_k²] by E[W²] = E[L] − D/2 + B/2
        Predictions p = TestInvariances.random(4, 7, 400, 5);
        Extrapolation e = Extrapolator.run(p, 3, 4, 1);
        double mae = 0;
        for (KPoint k : e.points()) {
            assertEquals(k.predictedMvLaw(), k.predictedMvLinear(), 1e-12, "K = " + k.k());
            if (k.k() > 3) {
                mae += Math.abs(k.predictedMvLaw() - k.mvErrorRandomTies());
            }
        }
        assertEquals(mae / 4, e.maeMvLawRandomTies(), 1e-12);
        assertEquals(e.maeMvLaw(), e.maeMvLinear(), 1e-12);
    }

    @Test
    void rejectsNonsenseOptions() {
        Predictions p = TestHandComputed.binary();
        assertThrows(LoupeException.class, () -> Extrapolator.run(p, 1, 3, 0));
        assertThrows(LoupeException.class, () -> Extrapolator.run(p, 4, 3, 0));
        assertThrows(LoupeException.class, () -> Extrapolator.run(p, 2, 0, 0));
    }
}
