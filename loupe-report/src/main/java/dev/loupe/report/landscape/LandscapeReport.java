package dev.loupe.report.landscape;

import dev.loupe.report.html.Humanize;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.landscape.result.LineResult;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.SampleResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.Figure;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.plot.Chart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML reports of {@code loupe landscape line|plane|sample}: summary cards, the slice's plots and,
 * for planes and samples, the topology section (profile, persistence diagram, merge tree).
 * {@code data} names the evaluation data as the user gave it (the records hold only the sample count).
 */
public final class LandscapeReport {
    private LandscapeReport() {
    }

    /** Writes a page returned by one of the render methods, atomically. */
    public static void write(String html, Path out) {
        AtomicOutput.writeString(out, html);
    }

    public static String line(LineResult r, String data) {
        int at0 = nearest(r.alpha(), 0);
        double min = Double.POSITIVE_INFINITY;
        int argmin = 0;
        for (int i = 0; i < r.loss().length; i++) {
            if (r.loss()[i] < min) {
                min = r.loss()[i];
                argmin = i;
            }
        }
        List<Card> cards = new ArrayList<>(common(r.model(), data, r.samples()));
        cards.add(new Card("Loss at the model", f4(r.loss()[at0]), "α = " + g3(r.alpha()[at0]), ""));
        if (!Double.isNaN(r.accuracy()[at0])) {
            cards.add(Card.of("Accuracy at the model", f4(r.accuracy()[at0])));
        }
        cards.add(new Card("Lowest loss", f4(min), "at α = " + g3(r.alpha()[argmin]), ""));
        cards.add(new Card("Line", r.mode(), r.alpha().length + " points, seed " + r.seed(), ""));
        HtmlPage page = new HtmlPage("Loss along a line: " + Humanize.fileName(r.model()))
                .subtitle(r.model() + " · " + (r.mode().equals("checkpoints") ? "θ₀ + α(θ₁ − θ₀)"
                        : "θ₀ + α·d, d random filter-normalized"))
                .cards(cards)
                .section("line", "Line", r.mode().equals("checkpoints")
                        ? "α = 0 and α = 1 are the two checkpoints; beyond them the line is extended."
                        : "Loss along a random direction, filter-normalized as in Li et al. (arXiv 1712.09913).");
        List<Figure> figs = new ArrayList<>();
        figs.add(new Figure(SliceCharts.lineLoss(r).toSvg(), "mean loss over the evaluation samples", "", ""));
        Chart acc = SliceCharts.lineAccuracy(r);
        if (acc != null) {
            figs.add(new Figure(acc.toSvg(), "share of samples whose arg-max logit is the label", "", ""));
        }
        return page.figureGrid(figs, false).render();
    }

    public static String plane(PlaneResult p, TopologyResult t, String data) {
        int cj = p.y().length / 2, ci = p.x().length / 2;
        double[] mm = SliceCharts.minMax(p.loss());
        List<Card> cards = new ArrayList<>(common(p.model(), data, p.samples()));
        if (p.path().isEmpty()) {
            cards.add(new Card("Loss at the centre", f4(p.loss()[cj][ci]), Double.isNaN(p.accuracy()[cj][ci]) ? ""
                    : "accuracy " + f4(p.accuracy()[cj][ci]), ""));
        } else {
            var model = p.path().stream().filter(q -> q.x() == 0 && q.y() == 0).findFirst().orElse(p.path().getFirst());
            cards.add(new Card("Loss at the model", f4(model.loss()), "at (0, 0), accuracy " + f4(model.accuracy()), ""));
        }
        cards.add(new Card("Loss range", f4(mm[0]) + " – " + f4(mm[1]), "over the plane", ""));
        cards.add(new Card("Grid", p.x().length + "×" + p.y().length, "x " + g3(p.x()[0]) + "…" + g3(p.x()[p.x().length - 1])
                + ", y " + g3(p.y()[0]) + "…" + g3(p.y()[p.y().length - 1]), ""));
        cards.add(directions(p.directions()));
        cards.addAll(topologyCards(t));
        HtmlPage page = new HtmlPage("Loss landscape: " + Humanize.fileName(p.model()))
                .subtitle(p.model() + " · plane θ₀ + x·d₁ + y·d₂ · " + p.directions())
                .cards(cards)
                .section("plane", "Plane", "Loss on θ₀ + x·d₁ + y·d₂; the model is at (0, 0)" + (p.path().isEmpty()
                        ? ", the centre" : "; red dots are the checkpoints placed on the plane (hover for their loss)"
                        + (p.directions().startsWith("pca") ? ", joined in training order: each is its offset from the "
                        + "model projected onto the plane, so the plane's loss under it is not its own loss" : ""))
                        + ". On the heatmap, white dots are the merge tree's minima and orange dots its saddles.");
        page.figureGrid(List.of(new Figure(SliceCharts.heatmap(p, t).toSvg(), "heatmap with contour lines", "", ""),
                new Figure(SliceCharts.surface(p).toSvg(), "3-D surface, coloured by height", "", ""),
                new Figure(SliceCharts.contour(p).toSvg(), "contour lines, denser near the bottom", "", "")), false);
        topologySection(page, t);
        return page.render();
    }

    public static String sample(SampleResult s, TopologyResult t, String data) {
        int dims = s.coords().length == 0 ? 0 : s.coords()[0].length;
        double min = java.util.Arrays.stream(s.loss()).min().orElse(Double.NaN);
        double max = java.util.Arrays.stream(s.loss()).max().orElse(Double.NaN);
        List<Card> cards = new ArrayList<>(common(s.model(), data, s.samples()));
        cards.add(new Card("Points", Integer.toString(s.loss().length), dims + " dimensions, " + s.sampling(), ""));
        cards.add(new Card("Loss range", f4(min) + " – " + f4(max), "over the samples", ""));
        cards.add(directions(s.directions()));
        cards.addAll(topologyCards(t));
        HtmlPage page = new HtmlPage("Loss landscape samples: " + Humanize.fileName(s.model()))
                .subtitle(s.model() + " · θ₀ + Σ cₖ·dₖ in " + dims + " dimensions · " + s.directions())
                .cards(cards)
                .section("samples", "Samples", "Loss at each sampled point of the subspace against its distance from the model.")
                .figureGrid(List.of(new Figure(SliceCharts.sampleScatter(s).toSvg(), s.loss().length + " points", "", "")), false);
        topologySection(page, t);
        return page.render();
    }

    /** "random filter-normalized (Li et al.), seeds 0..1" shows as "random" with the rest underneath. */
    private static Card directions(String d) {
        int cut = d.indexOf(' ');
        return new Card("Directions", cut > 0 ? d.substring(0, cut) : d, cut > 0 ? d.substring(cut + 1) : "", "");
    }

    static List<Card> common(String model, String data, int samples) {
        return List.of(new Card("Model", Humanize.fileName(model), model, ""),
                new Card("Data", data == null || data.isEmpty() ? "–" : Humanize.fileName(data), data == null ? "" : data, ""),
                Card.of("Samples", Integer.toString(samples)));
    }

    private static List<Card> topologyCards(TopologyResult t) {
        long saddles = t.mergeTree().stream().filter(n -> n.kind().equals("saddle")).count();
        return List.of(new Card("Minima", Integer.toString(t.minima()), saddles + " saddles, " + t.graph() + " graph",
                        t.minima() == 1 ? "good" : ""),
                new Card("SMAD", String.format(Locale.ROOT, "%.3g", t.smad()),
                        String.format(Locale.ROOT, "normalized %.3g", t.smadNormalized()), ""));
    }

    private static void topologySection(HtmlPage page, TopologyResult t) {
        page.section("topology", "Topology", "Merge tree (join tree of sublevel sets) of the sampled loss on the "
                + t.graph() + " graph. Profile: every basin is a valley, nested as basins merge at saddles, as wide as the "
                + "samples it holds. Persistence: each minimum is born at its loss and dies at the saddle where it joins an "
                + "older basin. SMAD is the mean loss gap between saddles and the minima below them (Landscaper).");
        page.figureGrid(List.of(new Figure(TopologyCharts.profile(t).toSvg(), "topological landscape profile", "", ""),
                new Figure(TopologyCharts.persistence(t).toSvg(), t.persistence().size() + " persistence pairs", "", ""),
                new Figure(TopologyCharts.mergeTree(t).toSvg(), t.minima() + " minima, each edge joins a node to the saddle "
                        + "(or root) above it", "", "")), false);
    }

    static int nearest(double[] xs, double v) {
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            if (Math.abs(xs[i] - v) < Math.abs(xs[best] - v)) {
                best = i;
            }
        }
        return best;
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String g3(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

}
