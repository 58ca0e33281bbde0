package dev.loupe.ensemble.stats;

import dev.loupe.core.LoupeException;
import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.Extrapolation;
import dev.loupe.ensemble.result.KPoint;
import dev.loupe.ensemble.result.Polarization;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Predicts disagreement and majority-vote error of k-member ensembles from the first few members, and measures the
 * real values, averaged over random member orders.
 *
 * <p>The asymptotics (derived here; the paper, arXiv 2411.00328, proves results of this kind but its text could not be
 * read): if the k members are drawn independently from ρ and p(x) is the probability that a member drawn from ρ is
 * wrong on x, then E[W_k²] = E[p²] + (E[p] − E[p²])/k, and every pairwise quantity over all k² ordered pairs
 * (h = h' included) is (1 − 1/k) times its value for two distinct draws — the disagreement D_k = (1 − 1/k)·D and
 * B_k = (1 − 1/k)·B. E[p], E[p²], D and B are estimated on the first members (distinct pairs); the majority-vote
 * error is then predicted three ways: 4/3·E[W_k²] (the polarization law), η̂·E[W_k²] (η measured on the first
 * members), and the linear-in-disagreement form 4/3·2m_k/(m_k+1)·(E[L] − D_k/2) with m_k = 1/(1 − B_k/E[W_k²]) the
 * effective number of wrong classes of a k-member ensemble (see {@link Bounds}). A fixed m̂ = 1/(1 − B/E[p²]) of the
 * first members (the k → ∞ limit of m_k) overstates m_k at small k and so biased that prediction high. With m_k the
 * form equals 4/3·E[W_k²] exactly: writing r = B_k/E[W_k²], 2m_k/(m_k+1) = 2/(2 − r) and, by the identity
 * E[W_k²] = E[L] − D_k/2 + B_k/2 (which the predicted values satisfy too), E[L] − D_k/2 = E[W_k²]·(2 − r)/2. So the
 * linear-in-D predictor adds nothing to the law's unless m is known beforehand (m = 1 for two classes); it is kept
 * as the column that shows this. Every prediction is compared with the measured error with ties counted as errors
 * and, since the 4/3 law is stated for strict η, with the expected error under a random tie-break.
 */
public final class Extrapolator {
    private Extrapolator() {
    }

    public static Extrapolation run(Predictions p, int fromK, int orders, long seed) {
        int m = p.memberCount();
        if (fromK < 2 || fromK > m) {
            throw new LoupeException("--from must be between 2 and the number of members (" + m + "), got " + fromK);
        }
        if (orders < 1 || orders > 10_000) {
            throw new LoupeException("--orders must be between 1 and 10,000, got " + orders);
        }
        double[][] sums = new double[m + 1][9];
        double wrongClasses = 0;
        Random random = new Random(seed);
        for (int r = 0; r < orders; r++) {
            int[] order = shuffled(m, random);
            // One tally grows member by member along the order: prefix k is the first k members.
            Votes v = new Votes(p.truth(), m);
            for (int j = 0; j < fromK; j++) {
                v.add(p.labels()[order[j]]);
            }
            Estimate e = Estimate.of(v);
            wrongClasses += e.wrongClasses / orders;
            v = new Votes(p.truth(), m);
            for (int k = 1; k <= m; k++) {
                v.add(p.labels()[order[k - 1]]);
                double[] measured = measure(v);
                double predTandem = e.bothWrong + (e.meanError - e.bothWrong) / k;
                double predD = (1 - 1.0 / k) * e.disagreement;
                double predB = (1 - 1.0 / k) * e.bothWrongDisagree;
                double mK = predTandem == 0 ? 1 : 1 / (1 - predB / predTandem);
                double[] row = {measured[0], measured[1], measured[2], predD, predTandem, Polarization.LAW * predTandem,
                        e.eta * predTandem, Polarization.LAW * Bounds.spreadFactor(mK) * (e.meanError - predD / 2), measured[3]};
                for (int c = 0; c < row.length; c++) {
                    sums[k][c] += row[c] / orders;
                }
            }
        }
        List<KPoint> points = new ArrayList<>();
        double[] mae = new double[7];
        for (int k = 1; k <= m; k++) {
            double[] s = sums[k];
            points.add(new KPoint(k, s[0], s[8], s[1], s[2], s[3], s[4], s[5], s[6], s[7]));
            if (k > fromK) {
                mae[0] += Math.abs(s[5] - s[0]);
                mae[1] += Math.abs(s[6] - s[0]);
                mae[2] += Math.abs(s[7] - s[0]);
                mae[3] += Math.abs(s[3] - s[1]);
                mae[4] += Math.abs(s[5] - s[8]);
                mae[5] += Math.abs(s[6] - s[8]);
                mae[6] += Math.abs(s[7] - s[8]);
            }
        }
        int count = m - fromK;
        for (int c = 0; c < mae.length; c++) {
            mae[c] = count == 0 ? Double.NaN : mae[c] / count;
        }
        return new Extrapolation(fromK, orders, seed, wrongClasses, points, mae[0], mae[1], mae[2], mae[3], mae[4], mae[5], mae[6]);
    }

    /** Measured majority-vote error, V-statistic disagreement, E[W²] and random-tie-break error of one sub-ensemble. */
    private static double[] measure(Votes v) {
        int n = v.samples();
        int k = v.members();
        double mv = 0;
        double d = 0;
        double tandem = 0;
        double randomTies = 0;
        for (int i = 0; i < n; i++) {
            mv += v.voteWrong(i) ? 1 : 0;
            randomTies += v.voteErrorRandomTies(i);
            d += k == 1 ? 0 : v.pairDisagreement(i) * (1 - 1.0 / k);
            tandem += (double) v.wrong(i) * v.wrong(i) / ((double) k * k);
        }
        return new double[] {mv / n, d / n, tandem / n, randomTies / n};
    }

    /**
     * Population estimates from a few members: E[p], E[p²] (distinct pairs), D and B (distinct pairs), η with ties, and the
     * effective number of wrong classes m̂ = 1/(1 − B/E[p²]) (B: distinct pairs both wrong and disagreeing; 1 when
     * no pair is both wrong, where the factor no longer matters).
     */
    private record Estimate(double meanError, double bothWrong, double disagreement, double bothWrongDisagree, double eta,
                            double wrongClasses) {
        static Estimate of(Votes v) {
            int n = v.samples();
            int k = v.members();
            double err = 0;
            double both = 0;
            double d = 0;
            double tandem = 0;
            double bothDisagree = 0;
            long atLeastHalf = 0;
            for (int i = 0; i < n; i++) {
                bothDisagree += (double) v.bothWrongDisagreeingPairs(i) / ((double) k * (k - 1));
                err += (double) v.wrong(i) / k;
                both += v.pairBothWrong(i);
                d += v.pairDisagreement(i);
                tandem += (double) v.wrong(i) * v.wrong(i) / ((double) k * k);
                atLeastHalf += 2 * v.wrong(i) >= k ? 1 : 0;
            }
            double wrongClasses = both == 0 ? 1 : 1 / (1 - bothDisagree / both);
            return new Estimate(err / n, both / n, d / n, bothDisagree / n, tandem == 0 ? Double.NaN : atLeastHalf / tandem, wrongClasses);
        }
    }

    private static int[] shuffled(int m, Random random) {
        int[] a = new int[m];
        for (int i = 0; i < m; i++) {
            a[i] = i;
        }
        for (int i = m - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
