package dev.loupe.ensemble;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.stats.EnsembleAnalyzer;
import dev.loupe.ensemble.stats.Indicators;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Relabeling classes or reordering members must not change any ensemble statistic. */
class TestInvariances {
    static Predictions random(long seed, int members, int samples, int classes) {
        Random r = new Random(seed);
        int[] truth = new int[samples];
        for (int i = 0; i < samples; i++) {
            truth[i] = r.nextInt(classes);
        }
        int[][] labels = new int[members][samples];
        List<String> names = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            names.add("m" + m);
            double skill = 0.5 + 0.4 * r.nextDouble();
            for (int i = 0; i < samples; i++) {
                labels[m][i] = r.nextDouble() < skill ? truth[i] : r.nextInt(classes);
            }
        }
        return new Predictions(names, labels, null, truth, classes);
    }

    @Test
    void relabelingClasses() {
        Predictions p = random(1, 6, 500, 5);
        int[] perm = {3, 0, 4, 1, 2};
        int[][] labels = new int[p.memberCount()][];
        for (int m = 0; m < labels.length; m++) {
            labels[m] = apply(perm, p.labels()[m]);
        }
        Predictions q = new Predictions(p.members(), labels, null, apply(perm, p.truth()), p.classes());
        assertSame(EnsembleAnalyzer.analyze(p), EnsembleAnalyzer.analyze(q), false);
        assertSame(Indicators.of("x", p), Indicators.of("x", q));
    }

    @Test
    void reorderingMembers() {
        Predictions p = random(2, 7, 400, 3);
        Predictions q = p.select(new int[] {6, 2, 0, 5, 1, 3, 4});
        assertSame(EnsembleAnalyzer.analyze(p), EnsembleAnalyzer.analyze(q), true);
        assertSame(Indicators.of("x", p), Indicators.of("x", q));
    }

    private static int[] apply(int[] perm, int[] labels) {
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = perm[labels[i]];
        }
        return out;
    }

    private static void assertSame(EnsembleStats a, EnsembleStats b, boolean membersReordered) {
        double eps = 1e-12;
        assertEquals(a.meanError(), b.meanError(), eps);
        assertEquals(a.majorityVoteError(), b.majorityVoteError(), eps);
        assertEquals(a.majorityVoteErrorRandomTies(), b.majorityVoteErrorRandomTies(), eps);
        assertEquals(a.disagreement(), b.disagreement(), eps);
        assertEquals(a.errorDisagreement(), b.errorDisagreement(), eps);
        assertEquals(a.tandemLoss(), b.tandemLoss(), eps);
        assertEquals(a.polarization().eta(), b.polarization().eta(), eps);
        assertEquals(a.wHistogram(), b.wHistogram());
        for (int i = 0; i < a.bounds().size(); i++) {
            assertEquals(a.bounds().get(i).value(), b.bounds().get(i).value(), eps);
        }
        if (!membersReordered) {
            assertEquals(a.memberErrors(), b.memberErrors());
        }
    }

    private static void assertSame(ErrorIndicators a, ErrorIndicators b) {
        for (int i = 0; i < a.aurocs().size(); i++) {
            assertEquals(a.aurocs().get(i).auroc(), b.aurocs().get(i).auroc(), 1e-12);
        }
        assertEquals(a.bins(), b.bins());
    }
}
