package dev.loupe.report.ensemble;

import dev.loupe.ensemble.result.Bound;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.EnsembleStats;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.IndicatorScore;
import dev.loupe.ensemble.result.Polarization;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.html.Table;
import dev.loupe.report.html.Table.Cell;
import dev.loupe.report.html.Table.Column;
import dev.loupe.report.plot.Chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The self-contained ensemble.html page: summary cards, the bounds next to the real error, the plots. */
public final class EnsemblePage {
    private EnsemblePage() {
    }

    /** The page alone ({@code loupe ensemble --report FILE.html}), written atomically. */
    public static void write(EnsembleReport r, java.nio.file.Path file) {
        dev.loupe.core.io.AtomicOutput.writeString(file, render(r));
    }

    /** The page with its charts drawn from {@code r}. */
    public static String render(EnsembleReport r) {
        boolean k = r.extrapolation() != null;
        return render(r, EnsembleCharts.wHistogram(r), k ? EnsembleCharts.errorVsK(r) : null,
                k ? EnsembleCharts.errorVsDisagreement(r) : null, EnsembleCharts.disagreementVsError(r));
    }

    static String render(EnsembleReport r, Chart hist, Chart errorVsK, Chart linear, Chart bins) {
        EnsembleStats s = r.stats();
        Polarization p = s.polarization();
        HtmlPage page = new HtmlPage("loupe ensemble").subtitle(s.members() + " members, " + s.samples() + " samples, "
                + s.classes() + " classes. " + r.tieRule() + ".");
        List<Card> cards = new ArrayList<>();
        cards.add(new Card("Majority-vote error", f(s.majorityVoteError()), "random tie-break: " + f(s.majorityVoteErrorRandomTies()), ""));
        cards.add(new Card("Mean member error E[L]", f(s.meanError()), "best member " + f(bestMember(s)), ""));
        cards.add(new Card("Disagreement D_ρ", f(s.disagreement()), "distinct pairs " + f(s.pairwiseDisagreement()), ""));
        cards.add(new Card("Polarization η", f(p.eta()), "with ties " + f(p.etaWithTies()) + "; law 4/3",
                p.withinLaw() ? "good" : "warn"));
        cards.add(new Card("Competent", s.competence().competent() ? "yes" : "no",
                s.competence().competent() ? "Theisen et al." : String.format(Locale.ROOT, "fails for t in (%.2f, %.2f]", s.competence().violatedFrom(),
                        s.competence().violatedTo()),
                s.competence().competent() ? "good" : "warn"));
        cards.add(new Card("Wrong classes m*", f(s.wrongVoteSpread().maxWrongClasses()),
                "effective m̄ " + f(s.wrongVoteSpread().effectiveWrongClasses()), ""));
        page.cards(cards);
        page.section("bounds", "Bounds on the majority-vote error",
                "Each bound next to the measured error " + f(s.majorityVoteError()) + "; 'applies' says whether its condition is met here.");
        page.table(boundsTable(s));
        page.figure(hist.toSvg(), String.format(Locale.ROOT,
                "Fraction of members wrong per sample. η = %.3f (paper's definition), %.3f with ties; the law is 4/3.", p.eta(), p.etaWithTies()));
        if (errorVsK != null) {
            page.figure(errorVsK.toSvg(), String.format(Locale.ROOT, "Majority-vote error of k-member sub-ensembles (mean over %d random "
                    + "orders) and its prediction from the first %d members (m̂ = %.3f; the linear form uses each size's own "
                    + "m_k = 1/(1 − B_k/E[W_k²]), which makes it equal to 4/3·E[W_k²]).", r.extrapolation().orders(),
                    r.extrapolation().fromK(), r.extrapolation().wrongClasses()));
            page.figure(linear.toSvg(), "Each point a sub-ensemble size k: majority-vote error against its disagreement; the line is "
                    + "the linear-in-disagreement prediction along the predicted disagreement.");
        }
        page.figure(bins.toSvg(), "Majority-vote error among samples grouped by their pairwise disagreement (equal-count bins, "
                + "95 % Wilson intervals), per input set.");
        page.table(indicatorTable(r));
        return page.render();
    }

    private static Table boundsTable(EnsembleStats s) {
        Table t = new Table(List.of(new Column("bound", "", false), new Column("formula", "", false),
                new Column("value", "upper bound on the majority-vote error", true), new Column("condition", "", false),
                new Column("applies", "the condition is met by this ensemble", false),
                new Column("holds", "value ≥ measured majority-vote error", false), new Column("source", "", false)));
        for (Bound b : s.bounds()) {
            t.row(List.of(Cell.text(b.name()), Cell.text(b.formula()), Cell.number(b.value(), f(b.value())), Cell.text(b.condition()),
                    Cell.text(b.applies() ? "yes" : "no"), new Cell(b.holds() ? "yes" : "NO", Double.NaN, b.holds() ? "" : "bad"),
                    Cell.text(b.source())));
        }
        return t;
    }

    private static Table indicatorTable(EnsembleReport r) {
        List<Column> cols = new ArrayList<>(List.of(new Column("input set", "", false), new Column("samples", "", true),
                new Column("MV error", "", true), new Column("mean error", "", true), new Column("disagreement", "", true)));
        List<String> scores = r.indicators().getFirst().aurocs().stream().map(IndicatorScore::score).toList();
        for (String sc : scores) {
            cols.add(new Column("AUROC " + sc, "how well the score ranks wrong votes above right ones (0.5 = chance)", true));
        }
        Table t = new Table(cols);
        for (ErrorIndicators e : r.indicators()) {
            List<Cell> row = new ArrayList<>(List.of(Cell.text(e.inputSet()), Cell.number(e.samples(), String.valueOf(e.samples())),
                    Cell.number(e.mvError(), f(e.mvError())), Cell.number(e.meanError(), f(e.meanError())),
                    Cell.number(e.disagreement(), f(e.disagreement()))));
            for (IndicatorScore sc : e.aurocs()) {
                row.add(Cell.number(sc.auroc(), f(sc.auroc())));
            }
            while (row.size() < cols.size()) {
                row.add(Cell.text("–"));
            }
            t.row(row.subList(0, cols.size()));
        }
        return t;
    }

    private static double bestMember(EnsembleStats s) {
        return s.memberErrors().stream().mapToDouble(m -> m.error()).min().orElse(Double.NaN);
    }

    private static String f(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
    }
}
