package dev.loupe.cli;

import dev.loupe.landscape.result.HessianResult;
import dev.loupe.landscape.result.LineResult;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.core.io.AtomicOutput;
import dev.loupe.report.html.Card;
import dev.loupe.report.html.HtmlPage;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.GridMarks;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.PlotFiles;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.SurfacePlot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws landscape and Hessian results into {@code --out} as SVG and PNG (rendering only: every number comes from the records). */
final class LandscapePlots {
    private static final double W = 640, H = 480;

    private LandscapePlots() {
    }

    /** SVG for the report and the browser, PNG for everything else. */
    private static void save(Chart c, Path dir, String base) {
        PlotFiles.write(c, dir.resolve(base + ".svg"));
        PlotFiles.write(c, dir.resolve(base + ".png"));
    }

    private static void save(SurfacePlot c, Path dir, String base) {
        PlotFiles.write(c, dir.resolve(base + ".svg"));
        PlotFiles.write(c, dir.resolve(base + ".png"));
    }

    static void line(LineResult r, Path dir) {
        Chart c = new Chart(W, H).title("Loss along the line (" + r.mode() + ")").xTitle("α").yTitle("mean loss")
                .add(new Marks.Line("loss", r.alpha(), r.loss(), Style.stroke(Palette.BLUE, 2)));
        if (r.mode().equals("checkpoints")) {
            c.add(new Marks.VLine("checkpoint 0", 0, Style.stroke(Palette.GREY, 1).withDash("4 3")));
            c.add(new Marks.VLine("checkpoint 1", 1, Style.stroke(Palette.GREY, 1).withDash("4 3")));
        }
        save(c, dir, "line-loss");
        if (!Double.isNaN(r.accuracy()[0])) {
            save(new Chart(W, H).title("Accuracy along the line").xTitle("α").yTitle("accuracy")
                    .add(new Marks.Line("accuracy", r.alpha(), r.accuracy(), Style.stroke(Palette.GREEN, 2))), dir, "line-accuracy");
        }
    }

    static void plane(PlaneResult p, TopologyResult t, Path dir) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] row : p.loss()) {
            for (double v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double[] levels = new double[12];
        for (int i = 0; i < levels.length; i++) { // denser near the bottom, where basins are
            double f = (i + 1.0) / (levels.length + 1);
            levels[i] = min + (max - min) * f * f;
        }
        Chart heat = new Chart(W, H).title("Loss plane: heatmap and contours").xTitle("d₁").yTitle("d₂").colorBar("loss", min, max)
                .add(new GridMarks.Heatmap(p.x(), p.y(), p.loss(), min, max))
                .add(new GridMarks.Contour(p.x(), p.y(), p.loss(), levels, Style.stroke("#ffffff", 0.8)));
        save(heat, dir, "plane-heatmap");
        save(new Chart(W, H).title("Loss plane: contours").xTitle("d₁").yTitle("d₂")
                .add(new GridMarks.Contour(p.x(), p.y(), p.loss(), levels, Style.stroke(Palette.BLUE, 1))), dir, "plane-contour");
        SurfacePlot surface = new SurfacePlot(W, H, p.loss(), min, max).title("Loss surface").zLabel("loss");
        save(surface, dir, "plane-surface");
        Chart[] topo = topology(t, dir, "plane");
        int c = p.y().length / 2, ci = p.x().length / 2;
        HtmlPage page = new HtmlPage("Loss landscape: " + Path.of(p.model()).getFileName())
                .subtitle(p.x().length + "×" + p.y().length + " plane, " + p.samples() + " samples; directions: " + p.directions())
                .cards(List.of(Card.of("loss at centre", String.format("%.4f", p.loss()[c][ci])),
                        Card.of("min loss", String.format("%.4f", min)), Card.of("minima", Integer.toString(t.minima())),
                        new Card("SMAD", String.format("%.3g", t.smad()), String.format("normalized %.3g", t.smadNormalized()), "")))
                .section("plane", "Plane", "Loss on θ₀ + x·d₁ + y·d₂; the model is at the centre.")
                .figure(heat.toSvg(), "heatmap with contours").figure(surface.toSvg(), "3-D surface")
                .section("topology", "Topology", "Merge tree of the sampled loss on the grid graph: each valley of the profile is a basin,"
                        + " nested as basins merge at saddles, as wide as the samples it holds.")
                .figure(topo[0].toSvg(), "topological landscape profile").figure(topo[1].toSvg(), "0-dim persistence diagram");
        AtomicOutput.writeString(dir.resolve("plane.html"), page.render());
    }

    /** Profile and persistence charts (also returned, for the HTML page). */
    static Chart[] topology(TopologyResult t, Path dir, String prefix) {
        Chart prof = new Chart(W, H).title("Topological landscape profile (" + t.minima() + " minima, SMAD " + String.format("%.3g", t.smad()) + ")")
                .xTitle("samples (basin width)").yTitle("loss");
        for (TopologyResult.ProfileBasin b : t.profile()) {
            boolean leaf = t.mergeTree().get(b.node()).kind().equals("minimum");
            prof.add(new Marks.Line(null, b.x(), b.y(), Style.stroke(leaf ? Palette.BLUE : Palette.GREY, leaf ? 1.5 : 1)));
        }
        save(prof, dir, prefix + "-profile");
        List<Double> bx = new ArrayList<>(), by = new ArrayList<>();
        List<String> tips = new ArrayList<>();
        double top = t.mergeTree().stream().mapToDouble(TopologyResult.TreeNode::loss).max().orElse(1);
        for (TopologyResult.PersistencePair q : t.persistence()) {
            bx.add(q.birth());
            by.add(q.death() == null ? top : q.death());
            tips.add(String.format("birth %.4g, death %s", q.birth(), q.death() == null ? "never" : String.format("%.4g", q.death())));
        }
        double[] x = bx.stream().mapToDouble(Double::doubleValue).toArray(), y = by.stream().mapToDouble(Double::doubleValue).toArray();
        double lo = x.length == 0 ? 0 : java.util.Arrays.stream(x).min().orElse(0);
        Chart pers = new Chart(W, H).title("0-dim persistence diagram (essential class drawn at the max loss)").xTitle("birth (minimum)")
                .yTitle("death (saddle)")
                .add(new Marks.Line("diagonal", new double[]{lo, top}, new double[]{lo, top}, Style.stroke(Palette.GREY, 1).withDash("4 3")))
                .add(new Marks.Points("pairs", x, y, 3.5, Style.fill(Palette.ORANGE), tips));
        save(pers, dir, prefix + "-persistence");
        return new Chart[]{prof, pers};
    }

    static void hessian(HessianResult r, Path dir) {
        if (r.density().length == 0) {
            return;
        }
        double floor = 1e-12;
        double[] d = r.density().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.max(d[i], floor);
        }
        save(new Chart(W, H).title("Hessian eigenvalue density (SLQ, σ² = " + String.format("%.2g", r.sigma2()) + ")")
                .xTitle("eigenvalue").yTitle("density").logY()
                .add(new Marks.Line("density", r.densityGrid(), d, Style.stroke(Palette.BLUE, 1.5))), dir, "hessian-density");
    }
}
