package dev.loupe.cli.ensemble;

import dev.loupe.cli.Table;
import dev.loupe.ensemble.result.Bound;
import dev.loupe.ensemble.result.Competence;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.Extrapolation;
import dev.loupe.ensemble.result.IndicatorScore;
import dev.loupe.ensemble.result.KPoint;
import dev.loupe.ensemble.result.MemberError;
import dev.loupe.ensemble.result.Polarization;

import java.io.PrintWriter;
import java.util.Locale;

/** Terminal tables for {@code loupe ensemble}; renders the report records, computes nothing. */
public final class EnsembleTables {
    private EnsembleTables() {
    }

    static void print(EnsembleReport r, PrintWriter out) {
        EnsembleStats s = r.stats();
        out.printf(Locale.ROOT, "Ensemble: %d members, %d samples, %d classes. Majority vote: %s.%n%n",
                s.members(), s.samples(), s.classes(), r.tieRule());
        Table members = new Table("member", "error");
        for (MemberError m : s.memberErrors()) {
            members.row(m.member(), f(m.error()));
        }
        members.print(out);
        out.println();
        Polarization p = s.polarization();
        new Table("quantity", "value")
                .row("mean member error E[L]", f(s.meanError()))
                .row("majority-vote error (ties are errors)", f(s.majorityVoteError()))
                .row("majority-vote error (random tie-break, expected)", f(s.majorityVoteErrorRandomTies()))
                .row("disagreement D_ρ (independent pairs, h = h' allowed)", f(s.disagreement()))
                .row("pairwise disagreement (distinct pairs)", f(s.pairwiseDisagreement()))
                .row("error disagreement (exactly one wrong, like D_ρ)", f(s.errorDisagreement()))
                .row("E[W²] (tandem loss)", f(s.tandemLoss()))
                .row("P(W > 1/2)", f(p.pWAboveHalf()))
                .row("P(W ≥ 1/2)", f(p.pWAtLeastHalf()))
                .row("polarization η = P(W > 1/2)/E[W²]", f(p.eta()))
                .row("polarization with ties η = P(W ≥ 1/2)/E[W²]", f(p.etaWithTies()))
                .row("within the 4/3 polarization law (η ≤ 4/3)", p.withinLaw() ? "yes" : "no")
                .row("P(both wrong, disagreeing) B (E[W²] = E[L] − D/2 + B/2)", f(s.wrongVoteSpread().bothWrongDisagree()))
                .row("wrong classes m* (max over samples, Rényi-2)", f(s.wrongVoteSpread().maxWrongClasses()))
                .row("effective wrong classes m̄ = 1/(1 − B/E[W²])", f(s.wrongVoteSpread().effectiveWrongClasses()))
                .row("competent (Theisen et al.)", competence(s.competence()))
                .print(out);
        out.println();
        Table hist = new Table("wrong members", "W", "samples");
        for (int j = 0; j < s.wHistogram().samples().size(); j++) {
            hist.row(j, f((double) j / s.members()), s.wHistogram().samples().get(j));
        }
        hist.print(out);
        out.println();
        Table bounds = new Table("bound on MV error " + f(s.majorityVoteError()), "formula", "value", "holds", "condition", "applies",
                "source");
        for (Bound b : s.bounds()) {
            bounds.row(b.name(), b.formula(), f(b.value()), b.holds() ? "yes" : "NO", b.condition(), b.applies() ? "yes" : "no",
                    b.source());
        }
        bounds.print(out);
        if (r.extrapolation() != null) {
            out.println();
            printExtrapolation(r.extrapolation(), out);
        }
        out.println();
        Table ind = new Table("input set", "samples", "MV error", "mean error", "pair disagreement", "AUROC scores");
        for (ErrorIndicators e : r.indicators()) {
            StringBuilder sb = new StringBuilder();
            for (IndicatorScore sc : e.aurocs()) {
                sb.append(sb.isEmpty() ? "" : ", ").append(sc.score()).append(' ').append(f(sc.auroc()));
            }
            ind.row(e.inputSet(), e.samples(), f(e.mvError()), f(e.meanError()), f(e.disagreement()), sb);
        }
        ind.print(out);
    }

    private static void printExtrapolation(Extrapolation e, PrintWriter out) {
        out.printf(Locale.ROOT, "Extrapolation from the first %d members (mean of %d random orders, seed %d; their effective wrong "
                + "classes m̂ = %s, the large-K limit of m_K):%n", e.fromK(), e.orders(), e.seed(), f(e.wrongClasses()));
        Table t = new Table("K", "MV error", "MV random ties", "pred 4/3·E[W²]", "pred η̂·E[W²]", "pred linear in D", "D_ρ", "pred D_ρ",
                "E[W²]", "pred E[W²]");
        for (KPoint k : e.points()) {
            t.row(k.k(), f(k.mvError()), f(k.mvErrorRandomTies()), f(k.predictedMvLaw()), f(k.predictedMvEta()), f(k.predictedMvLinear()),
                    f(k.disagreement()), f(k.predictedDisagreement()), f(k.tandemLoss()), f(k.predictedTandemLoss()));
        }
        t.print(out);
        out.printf(Locale.ROOT, "mean |pred − actual| for K > %d: MV 4/3-law %s, MV η̂ %s, MV linear %s, disagreement %s%n",
                e.fromK(), f(e.maeMvLaw()), f(e.maeMvEta()), f(e.maeMvLinear()), f(e.maeDisagreement()));
        out.printf(Locale.ROOT, "  against the random-tie-break error (the law is stated for strict η): MV 4/3-law %s, MV η̂ %s, MV linear %s%n",
                f(e.maeMvLawRandomTies()), f(e.maeMvEtaRandomTies()), f(e.maeMvLinearRandomTies()));
        out.println("  (linear in D uses each size's own m_K = 1/(1 − B_K/E[W_K²]), which makes it equal to 4/3·E[W_K²]: "
                + "disagreement adds nothing to the law's prediction unless m is known beforehand)");
    }

    private static String competence(Competence c) {
        return c.competent() ? "yes" : String.format(Locale.ROOT, "no (t in (%.3f, %.3f]: %d samples with t ≤ W < 1/2, %d with "
                + "1/2 ≤ W ≤ 1 − t)", c.violatedFrom(), c.violatedTo(), c.lower(), c.upper());
    }

    private static String f(double v) {
        return Table.num(v, 4);
    }
}
