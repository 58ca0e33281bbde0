package dev.loupe.ensemble;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.Bound;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.stats.EnsembleAnalyzer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounds are theorems: on any ensemble whose condition is met they must hold. Random ensembles of every shape
 * (2–10 classes, 1–15 members, skewed so some are competent or 4/3-polarized and some not) try to break them, and the
 * quantities behind them are recomputed here by brute force over member pairs and a fine grid of t.
 */
class TestBoundsOnRandomEnsembles {
    @Test
    void appliedBoundsAlwaysHoldAndIdentitiesAreExact() {
        Random r = new Random(7);
        int competent = 0;
        int polarized = 0;
        for (int trial = 0; trial < 400; trial++) {
            int k = 2 + r.nextInt(9);
            int m = 1 + r.nextInt(15);
            int n = 1 + r.nextInt(60);
            double skill = r.nextDouble();
            double spread = r.nextDouble();
            int[] truth = new int[n];
            int[][] labels = new int[m][n];
            for (int i = 0; i < n; i++) {
                truth[i] = r.nextInt(k);
                double hard = Math.pow(r.nextDouble(), 1 + 3 * skill);
                int favouriteWrong = (truth[i] + 1 + r.nextInt(k - 1)) % k;
                for (int j = 0; j < m; j++) {
                    if (r.nextDouble() >= hard) {
                        labels[j][i] = truth[i];
                    } else if (r.nextDouble() < spread) {
                        labels[j][i] = (truth[i] + 1 + r.nextInt(k - 1)) % k;
                    } else {
                        labels[j][i] = favouriteWrong;
                    }
                }
            }
            List<String> names = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                names.add("m" + j);
            }
            EnsembleStats s = EnsembleAnalyzer.analyze(new Predictions(names, labels, null, truth, k));
            for (Bound b : s.bounds()) {
                if (b.applies()) {
                    assertTrue(b.holds(), () -> "trial: " + b + " vs MV error " + s.majorityVoteError());
                }
            }
            double[] brute = bruteForce(labels, truth);
            assertEquals(brute[0], s.disagreement(), 1e-12);
            assertEquals(brute[1], s.wrongVoteSpread().bothWrongDisagree(), 1e-12);
            assertEquals(s.meanError() - s.disagreement() / 2 + brute[1] / 2, s.tandemLoss(), 1e-12);
            if (s.tandemLoss() > 0) {
                assertTrue(s.wrongVoteSpread().maxWrongClasses() <= k - 1 + 1e-12);
                assertTrue(s.wrongVoteSpread().effectiveWrongClasses() <= s.wrongVoteSpread().maxWrongClasses() + 1e-12);
            }
            boolean bruteCompetent = competentOnGrid(labels, truth);
            assertEquals(bruteCompetent, s.competence().competent(), "trial " + trial);
            competent += bruteCompetent ? 1 : 0;
            polarized += s.polarization().etaWithTies() <= 4.0 / 3 ? 1 : 0;
        }
        // the generator must exercise both sides of each condition, or the test proves little
        assertTrue(competent > 40 && competent < 360, "competent ensembles: " + competent);
        assertTrue(polarized > 40 && polarized < 360, "4/3-polarized ensembles: " + polarized);
    }

    /** D_ρ and B over all M² ordered member pairs (h = h' included), straight from the definitions. */
    private static double[] bruteForce(int[][] labels, int[] truth) {
        int m = labels.length;
        int n = truth.length;
        double d = 0;
        double b = 0;
        for (int[] h : labels) {
            for (int[] g : labels) {
                for (int i = 0; i < n; i++) {
                    boolean differ = h[i] != g[i];
                    d += differ ? 1 : 0;
                    b += differ && h[i] != truth[i] && g[i] != truth[i] ? 1 : 0;
                }
            }
        }
        double pairs = (double) m * m * n;
        return new double[] {d / pairs, b / pairs};
    }

    /** Competence checked directly on t = 0 and 5,000 values spread over (0, 1/2) — independent of the exact grid logic. */
    private static boolean competentOnGrid(int[][] labels, int[] truth) {
        int n = truth.length;
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            for (int[] h : labels) {
                w[i] += h[i] != truth[i] ? 1.0 / labels.length : 0;
            }
            w[i] = Math.round(w[i] * labels.length) / (double) labels.length;
        }
        for (int s = 0; s < 5000; s++) {
            double t = s == 0 ? 0 : 0.5 * (s - 0.5) / 4999.5;
            int lower = 0;
            int upper = 0;
            for (double x : w) {
                lower += x >= t && x < 0.5 ? 1 : 0;
                upper += x >= 0.5 && x <= 1 - t ? 1 : 0;
            }
            if (lower < upper) {
                return false;
            }
        }
        return true;
    }
}
