package dev.loupe.report.ensemble;

import dev.loupe.ensemble.result.DisagreementBin;
import dev.loupe.ensemble.result.EnsembleReport;
import dev.loupe.ensemble.result.ErrorIndicators;
import dev.loupe.ensemble.result.KPoint;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The four ensemble charts; every plotted number comes from the report records. */
final class EnsembleCharts {
    private static final String[] SET_COLORS = {Palette.BLUE, Palette.ORANGE, Palette.PURPLE, Palette.GREEN, Palette.RED};

    private EnsembleCharts() {
    }

    static Chart wHistogram(EnsembleReport r) {
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
                .add(new Marks.VLine("W = 1/2", 0.5, Style.stroke(Palette.RED, 1.5).withDash("5 3")));
    }

    static Chart errorVsK(EnsembleReport r) {
        List<KPoint> pts = r.extrapolation().points();
        int n = pts.size();
        double[] k = new double[n];
        double[] mv = new double[n];
        double[] mvTies = new double[n];
        double[] law = new double[n];
        double[] eta = new double[n];
        double[] linear = new double[n];
        for (int i = 0; i < n; i++) {
            KPoint p = pts.get(i);
            k[i] = p.k();
            mv[i] = p.mvError();
            mvTies[i] = p.mvErrorRandomTies();
            law[i] = p.predictedMvLaw();
            eta[i] = p.predictedMvEta();
            linear[i] = p.predictedMvLinear();
        }
        return new Chart(520, 320).title("Majority-vote error vs ensemble size").xTitle("members k").yTitle("error")
                .add(new Marks.Line("measured (ties are errors)", k, mv, Style.stroke(Palette.BLUE, 2)))
                .add(new Marks.Line("measured (random tie-break)", k, mvTies, Style.stroke(Palette.BLUE, 1.5).withDash("2 2")))
                .add(new Marks.Line("predicted 4/3·E[W²]", k, law, Style.stroke(Palette.ORANGE, 2).withDash("6 3")))
                .add(new Marks.Line("predicted η̂·E[W²]", k, eta, Style.stroke(Palette.PURPLE, 1.5).withDash("6 3")))
                .add(new Marks.Line("predicted 4/3·2m_k/(m_k+1)·(E[L] − D/2) (= 4/3·E[W²])", k, linear,
                        Style.stroke(Palette.GREEN, 2).withDash("2 4")))
                .add(new Marks.VLine("from k = " + r.extrapolation().fromK(), r.extrapolation().fromK(),
                        Style.stroke(Palette.GREY, 1).withDash("3 3")));
    }

    /** Sub-ensemble sizes as points (measured error vs measured D) and the linear form along its predicted D. */
    static Chart errorVsDisagreement(EnsembleReport r) {
        List<KPoint> pts = r.extrapolation().points();
        int n = pts.size();
        double[] d = new double[n];
        double[] mv = new double[n];
        double[] predD = new double[n];
        double[] linear = new double[n];
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KPoint p = pts.get(i);
            d[i] = p.disagreement();
            mv[i] = p.mvError();
            predD[i] = p.predictedDisagreement();
            linear[i] = p.predictedMvLinear();
            tips.add(String.format(Locale.ROOT, "k = %d: D = %.4f, MV error = %.4f", p.k(), d[i], mv[i]));
        }
        return new Chart(520, 320).title("Majority-vote error vs disagreement (sub-ensembles)").xTitle("disagreement D_ρ")
                .yTitle("error")
                .add(new Marks.Points("measured, k = 1.." + n, d, mv, 4, Style.fill(Palette.BLUE), tips))
                .add(new Marks.Line("predicted, linear in D", predD, linear, Style.stroke(Palette.GREEN, 2).withDash("6 3")));
    }

    /** Error rate per equal-count disagreement bin with its 95 % interval, one curve per input set. */
    static Chart disagreementVsError(EnsembleReport r) {
        Chart c = new Chart(520, 320).title("Per-sample disagreement vs majority-vote error")
                .xTitle("pairwise disagreement of the sample (bin mean)").yTitle("majority-vote error").yRange(0, 1);
        int set = 0;
        for (ErrorIndicators e : r.indicators()) {
            String color = SET_COLORS[set++ % SET_COLORS.length];
            int n = e.bins().size();
            double[] x = new double[n];
            double[] y = new double[n];
            double[] x0 = new double[n];
            double[] x1 = new double[n];
            double[] lo = new double[n];
            double[] hi = new double[n];
            List<String> colors = new ArrayList<>();
            List<String> tips = new ArrayList<>();
            for (int b = 0; b < n; b++) {
                DisagreementBin bin = e.bins().get(b);
                x[b] = bin.meanDisagreement();
                y[b] = bin.mvError();
                x0[b] = x[b] - 0.004;
                x1[b] = x[b] + 0.004;
                lo[b] = bin.errorLow();
                hi[b] = bin.errorHigh();
                colors.add(color);
                tips.add(String.format(Locale.ROOT, "%s: disagreement %.3f–%.3f, %d samples, error %.3f (95%% %.3f–%.3f)",
                        e.inputSet(), bin.low(), bin.high(), bin.samples(), bin.mvError(), bin.errorLow(), bin.errorHigh()));
            }
            String label = e.inputSet() + String.format(Locale.ROOT, " (AUROC %.3f)", e.aurocs().getFirst().auroc());
            c.add(new Marks.Bars(x0, x1, lo, hi, colors, tips, List.of()));
            c.add(new Marks.Line(label, x, y, Style.stroke(color, 2)));
            c.add(new Marks.Points(null, x, y, 3, Style.fill(color), tips));
        }
        return c;
    }
}
