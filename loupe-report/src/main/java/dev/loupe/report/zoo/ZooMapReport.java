package dev.loupe.report.zoo;

import dev.loupe.report.html.Card;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.html.Table;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.Ticks;
import dev.loupe.zoo.map.CrossValidation;
import dev.loupe.zoo.map.ZooMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The HTML page of {@code loupe zoo map --report}: the map coloured by the label, out-of-fold
 * predicted vs true label, the baselines' metrics against the label, and the score table. Renders
 * {@link ZooMap.Result} only; nothing is computed here but positions and colours.
 */
public final class ZooMapReport {
    private ZooMapReport() {
    }

    /** The page as one self-contained HTML string. */
    public static String html(ZooMap.Result r) {
        double[] label = r.points().stream().mapToDouble(ZooMap.Point::label).toArray();
        double lo = Arrays.stream(label).min().orElse(0);
        double hi = Arrays.stream(label).max().orElse(1);
        List<String> tips = new ArrayList<>();
        for (ZooMap.Point p : r.points()) {
            tips.add(Path.of(p.path()).getFileName() + "\n" + r.label() + " " + Ticks.compact(p.label()));
        }
        double[] pc1 = r.points().stream().mapToDouble(ZooMap.Point::pc1).toArray();
        double[] pc2 = r.points().stream().mapToDouble(ZooMap.Point::pc2).toArray();
        Chart map = coloured(new Chart(760, 460).title("Weight-space map (PCA of the fingerprints)")
                .xTitle(String.format(Locale.ROOT, "PC1 (%.1f%% of variance)", 100 * r.explained()[0]))
                .yTitle(String.format(Locale.ROOT, "PC2 (%.1f%%)", 100 * (r.explained().length > 1 ? r.explained()[1] : 0))),
                pc1, pc2, label, lo, hi, tips).colorBar(r.label(), lo, hi);

        CrossValidation.Score best = r.scores().getFirst();
        Chart pred = coloured(new Chart(460, 400).title("Out-of-fold prediction vs " + r.label())
                .xTitle(r.label()).yTitle("predicted (" + r.folds() + "-fold CV)"), label, best.predictions(), label, lo, hi, tips)
                .add(new Marks.Line("y = x", new double[]{lo, hi}, new double[]{lo, hi}, Style.stroke(Palette.MUTED, 1).withDash("4 3")));

        HtmlPage page = new HtmlPage("Loupe zoo map").subtitle(r.models() + " models, label " + r.label());
        page.cards(List.of(Card.of("models", String.valueOf(r.models())),
                Card.of("features", String.valueOf(r.features().size())),
                Card.of("ridge Spearman ρ", Ticks.compact(best.spearman())),
                Card.of("ridge R²", Ticks.compact(best.r2()))));
        page.section("map", "Map", "Each dot is a model, placed by the first two principal components of its standardized "
                + "fingerprint (per-layer metric statistics), coloured by " + r.label() + ".");
        page.figure(map.toSvg(), "PCA of " + r.features().size() + " fingerprint features");
        page.section("predictor", "Predicting " + r.label() + " from weights alone",
                "Ridge regression, " + r.folds() + "-fold cross-validated (seed " + r.seed() + "), λ chosen inside each "
                        + "training fold; every prediction comes from a model that never saw that row.");
        page.figure(pred.toSvg(), "out-of-fold predictions of the fingerprint ridge");
        Table t = new Table(List.of(
                new Table.Column("predictor", "", false),
                new Table.Column("features", "", true),
                new Table.Column("Spearman ρ", "rank correlation of out-of-fold predictions with the label", true),
                new Table.Column("R²", "1 - SS_res/SS_tot of out-of-fold predictions", true)));
        for (CrossValidation.Score s : r.scores()) {
            t.row(List.of(Table.Cell.text(s.name()),
                    Table.Cell.number(s.features(), String.valueOf(s.features())),
                    Table.Cell.number(s.spearman(), Ticks.compact(s.spearman())),
                    Table.Cell.number(s.r2(), Ticks.compact(s.r2()))));
        }
        page.table(t);
        page.section("metrics", "Single metrics against " + r.label(), "The baselines' inputs: each model's mean over layers.");
        for (String f : List.of("alpha_mean", "log_norm_mean", "stable_rank_mean")) {
            Chart c = coloured(new Chart(460, 360).title(f + " vs " + r.label()).xTitle(f).yTitle(r.label()),
                    r.feature(f), label, label, lo, hi, tips);
            page.figure(c.toSvg(), f);
        }
        return page.render();
    }

    /** Dots coloured on viridis by value v in [lo, hi] (one mark per colour: the kit's points share a style). */
    private static Chart coloured(Chart c, double[] x, double[] y, double[] v, double lo, double hi, List<String> tips) {
        for (int i = 0; i < x.length; i++) {
            double t = hi > lo ? (v[i] - lo) / (hi - lo) : 0.5;
            c.add(new Marks.Points(null, new double[]{x[i]}, new double[]{y[i]}, 4,
                    Style.fill(Palette.viridis(t)).withStroke("#ffffff", 0.5), List.of(tips.get(i))));
        }
        return c;
    }
}
