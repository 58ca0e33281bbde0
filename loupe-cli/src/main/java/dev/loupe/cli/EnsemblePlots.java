package dev.loupe.cli;

import dev.loupe.core.io.AtomicOutput;
import dev.loupe.ensemble.result.DisagreementBin;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.KPoint;
import dev.loupe.ensemble.result.Polarization;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The three ensemble plots as SVG files and one self-contained HTML page, drawn with the report kit. */
final class EnsemblePlots {
    private static final String[] SET_COLORS = {Palette.BLUE, Palette.ORANGE, Palette.PURPLE, Palette.GREEN, Palette.RED};

    private EnsemblePlots() {
    }

    static void write(EnsembleReport r, Path dir) {
        String hist = wHistogram(r);
        String k = r.extrapolation() == null ? null : errorVsK(r);
        String dis = disagreementVsError(r);
        AtomicOutput.writeString(dir.resolve("w_histogram.svg"), hist);
        String linear = r.extrapolation() == null ? null : errorVsDisagreement(r);
        if (k != null) {
            AtomicOutput.writeString(dir.resolve("error_vs_k.svg"), k);
            AtomicOutput.writeString(dir.resolve("error_vs_disagreement.svg"), linear);
        }
        AtomicOutput.writeString(dir.resolve("disagreement_vs_error.svg"), dis);
        HtmlPage page = new HtmlPage("loupe ensemble").subtitle(r.stats().members() + " members, " + r.stats().samples()
                + " samples, " + r.stats().classes() + " classes");
        page.figure(hist, String.format(Locale.ROOT, "Fraction of members wrong per sample. η = %.3f (paper), %.3f with ties; law 4/3.",
                r.stats().polarization().eta(), r.stats().polarization().etaWithTies()));
        if (k != null) {
            page.figure(k, "Majority-vote error of k-member sub-ensembles (mean over random orders) and its prediction from the first "
                    + r.extrapolation().fromK() + " members.");
        }
        if (linear != null) {
            page.figure(linear, "Each point a sub-ensemble size k: majority-vote error against its disagreement D_ρ, with the "
                    + "derived linear form 4/3·(E[L] − D/2) evaluated at the measured D (E[L] = mean member error).");
        }
        page.figure(dis, "Majority-vote error among samples with a given pairwise disagreement, per input set.");
        AtomicOutput.writeString(dir.resolve("ensemble.html"), page.render());
    }

    private static String wHistogram(EnsembleReport r) {
        List<Long> h = r.stats().wHistogram().samples();
        int m = r.stats().members();
        double[] edges = new double[h.size() + 1];
        double[] heights = new double[h.size()];
        for (int j = 0; j < h.size(); j++) {
            edges[j] = (j - 0.5) / m;
            heights[j] = h.get(j);
        }
        edges[h.size()] = (h.size() - 0.5) / m;
        return new Chart(520, 320).title("W: fraction of members wrong").xTitle("W").yTitle("samples")
                .add(new Marks.Histogram("samples", edges, heights, Palette.BLUE))
                .add(new Marks.VLine("W = 1/2", 0.5, Style.stroke(Palette.RED, 1.5).withDash("5 3")))
                .toSvg();
    }

    private static String errorVsK(EnsembleReport r) {
        List<KPoint> pts = r.extrapolation().points();
        double[] k = new double[pts.size()];
        double[] mv = new double[pts.size()];
        double[] mvTies = new double[pts.size()];
        double[] law = new double[pts.size()];
        double[] linear = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            KPoint p = pts.get(i);
            k[i] = p.k();
            mv[i] = p.mvError();
            mvTies[i] = p.mvErrorRandomTies();
            law[i] = p.predictedMvLaw();
            linear[i] = p.predictedMvLinear();
        }
        return new Chart(520, 320).title("Majority-vote error vs ensemble size").xTitle("members k").yTitle("error")
                .add(new Marks.Line("measured (ties are errors)", k, mv, Style.stroke(Palette.BLUE, 2)))
                .add(new Marks.Line("measured (random tie-break)", k, mvTies, Style.stroke(Palette.BLUE, 1.5).withDash("2 2")))
                .add(new Marks.Line("predicted 4/3·E[W²]", k, law, Style.stroke(Palette.ORANGE, 2).withDash("6 3")))
                .add(new Marks.Line("predicted 4/3·(E[L] − D/2)", k, linear, Style.stroke(Palette.GREEN, 2).withDash("6 3")))
                .add(new Marks.VLine("from k = " + r.extrapolation().fromK(), r.extrapolation().fromK(),
                        Style.stroke(Palette.GREY, 1).withDash("3 3")))
                .toSvg();
    }

    private static String errorVsDisagreement(EnsembleReport r) {
        List<KPoint> pts = r.extrapolation().points();
        double[] d = new double[pts.size()];
        double[] mv = new double[pts.size()];
        double[] linear = new double[pts.size()];
        List<String> tips = new java.util.ArrayList<>();
        for (int i = 0; i < pts.size(); i++) {
            KPoint p = pts.get(i);
            d[i] = p.disagreement();
            mv[i] = p.mvError();
            linear[i] = Polarization.LAW * (r.stats().meanError() - p.disagreement() / 2);
            tips.add(String.format(Locale.ROOT, "k = %d: D = %.4f, MV error = %.4f", p.k(), d[i], mv[i]));
        }
        return new Chart(520, 320).title("Majority-vote error vs disagreement (sub-ensembles)").xTitle("disagreement D_ρ")
                .yTitle("error")
                .add(new Marks.Points("measured, k = 1.." + pts.size(), d, mv, 4, Style.fill(Palette.BLUE), tips))
                .add(new Marks.Line("4/3·(E[L] − D/2)", d, linear, Style.stroke(Palette.ORANGE, 2).withDash("6 3")))
                .toSvg();
    }

    private static String disagreementVsError(EnsembleReport r) {
        Chart c = new Chart(520, 320).title("Disagreement vs majority-vote error").xTitle("pairwise disagreement of the sample")
                .yTitle("majority-vote error").yRange(0, 1);
        int i = 0;
        for (ErrorIndicators e : r.indicators()) {
            double[] x = new double[e.bins().size()];
            double[] y = new double[e.bins().size()];
            for (int b = 0; b < x.length; b++) {
                DisagreementBin bin = e.bins().get(b);
                x[b] = bin.disagreement();
                y[b] = bin.mvError();
            }
            String color = SET_COLORS[i++ % SET_COLORS.length];
            c.add(new Marks.Line(e.inputSet() + String.format(Locale.ROOT, " (AUROC %.3f)", e.aurocs().getFirst().auroc()), x, y,
                    Style.stroke(color, 2)));
        }
        return c.toSvg();
    }
}
