package dev.loupe.ensemble.stats;

import dev.loupe.ensemble.predict.Predictions;
import dev.loupe.ensemble.result.Competence;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.result.MemberError;
import dev.loupe.ensemble.result.Polarization;
import dev.loupe.ensemble.result.WHistogram;
import dev.loupe.ensemble.result.WrongVoteSpread;

import java.util.ArrayList;
import java.util.List;

/** Computes {@link EnsembleStats} for equally weighted members. */
public final class EnsembleAnalyzer {
    private EnsembleAnalyzer() {
    }

    public static EnsembleStats analyze(Predictions p) {
        Votes v = Votes.of(p);
        int n = p.sampleCount();
        int m = p.memberCount();
        List<MemberError> memberErrors = new ArrayList<>();
        double meanError = 0;
        for (int j = 0; j < m; j++) {
            double e = errorRate(p.labels()[j], p.truth());
            memberErrors.add(new MemberError(p.members().get(j), e));
            meanError += e / m;
        }
        long[] histogram = new long[m + 1];
        double mv = 0;
        double mvRandomTies = 0;
        double tandem = 0;
        double disagreement = 0;
        double errorDisagreement = 0;
        long above = 0;
        long atLeast = 0;
        double bothWrongDisagree = 0;
        double maxWrongClasses = Double.NaN;
        for (int i = 0; i < n; i++) {
            int w = v.wrong(i);
            histogram[w]++;
            mv += v.voteWrong(i) ? 1 : 0;
            mvRandomTies += v.voteErrorRandomTies(i);
            tandem += (double) w * w / ((double) m * m);
            disagreement += v.pairDisagreement(i);
            errorDisagreement += v.pairErrorDisagreement(i);
            above += 2 * w > m ? 1 : 0;
            atLeast += 2 * w >= m ? 1 : 0;
            bothWrongDisagree += (double) v.bothWrongDisagreeingPairs(i) / ((double) m * m);
            if (w > 0 && !(v.wrongClasses(i) <= maxWrongClasses)) {
                maxWrongClasses = v.wrongClasses(i);
            }
        }
        bothWrongDisagree /= n;
        tandem /= n;
        Polarization pol = polarization((double) above / n, (double) atLeast / n, tandem);
        double mvError = mv / n;
        // ρ-expectations over independent pairs include h = h' (which never disagree): V-statistic = (1 − 1/M)·distinct mean.
        double pairwise = m > 1 ? disagreement / n : 0;
        double d = (1 - 1.0 / m) * pairwise;
        double dErr = m > 1 ? (1 - 1.0 / m) * errorDisagreement / n : 0;
        // m̄ = 1/(1 − B/E[W²]) makes E[W²] = 2m̄/(m̄+1)·(E[L] − D/2) an identity (see WrongVoteSpread).
        WrongVoteSpread spread = new WrongVoteSpread(bothWrongDisagree, maxWrongClasses,
                tandem == 0 ? Double.NaN : 1 / (1 - bothWrongDisagree / tandem));
        WHistogram wHistogram = new WHistogram(m, toList(histogram));
        Competence competence = CompetenceCheck.of(wHistogram.samples());
        return new EnsembleStats(m, n, p.classes(), memberErrors, meanError, mvError, mvRandomTies / n, d, pairwise,
                dErr, tandem, wHistogram, pol, spread, competence,
                Bounds.of(mvError, meanError, tandem, d, pol, p.classes(), spread, competence));
    }

    static Polarization polarization(double pAbove, double pAtLeast, double tandem) {
        double eta = tandem == 0 ? Double.NaN : pAbove / tandem;
        double etaTies = tandem == 0 ? Double.NaN : pAtLeast / tandem;
        return new Polarization(eta, etaTies, pAbove, pAtLeast, tandem, Polarization.LAW,
                !(eta > Polarization.LAW));
    }

    static double errorRate(int[] labels, int[] truth) {
        long wrong = 0;
        for (int i = 0; i < truth.length; i++) {
            wrong += labels[i] != truth[i] ? 1 : 0;
        }
        return (double) wrong / truth.length;
    }

    private static List<Long> toList(long[] a) {
        List<Long> out = new ArrayList<>(a.length);
        for (long x : a) {
            out.add(x);
        }
        return out;
    }
}
