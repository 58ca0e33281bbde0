package dev.loupe.report.landscape;

import dev.loupe.landscape.result.LineResult;
import dev.loupe.landscape.result.PlaneResult;
import dev.loupe.landscape.result.SampleResult;
import dev.loupe.landscape.result.TopologyResult;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.GridMarks;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.SurfacePlot;
import dev.loupe.report.plot.Ticks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Charts of the loss along a line, on a plane (heatmap, contours, 3-D surface) and at n-dimensional samples. */
public final class SliceCharts {
    static final double W = 640, H = 480;

    private SliceCharts() {
    }

    public static Chart lineLoss(LineResult r) {
        Chart c = new Chart(W, H).title("Loss along the line (" + r.mode() + ")").xTitle("α").yTitle("mean loss")
                .add(new Marks.Line("loss", r.alpha(), r.loss(), Style.stroke(Palette.BLUE, 2)));
        if (r.mode().equals("checkpoints")) {
            c.add(new Marks.VLine("checkpoint 0 and 1", 0, Style.stroke(Palette.GREY, 1).withDash("4 3")));
            c.add(new Marks.VLine(null, 1, Style.stroke(Palette.GREY, 1).withDash("4 3")));
        } else {
            c.add(new Marks.VLine("the model (α = 0)", 0, Style.stroke(Palette.GREY, 1).withDash("4 3")));
        }
        return c;
    }

    /** Null when the loss has no accuracy (not a classifier). */
    public static Chart lineAccuracy(LineResult r) {
        if (r.accuracy().length == 0 || Double.isNaN(r.accuracy()[0])) {
            return null;
        }
        return new Chart(W, H).title("Accuracy along the line").xTitle("α").yTitle("accuracy")
                .add(new Marks.Line("accuracy", r.alpha(), r.accuracy(), Style.stroke(Palette.GREEN, 2)));
    }

    /** Contour levels denser near the bottom, where the basins are. */
    static double[] levels(double min, double max) {
        double[] levels = new double[12];
        for (int i = 0; i < levels.length; i++) {
            double f = (i + 1.0) / (levels.length + 1);
            levels[i] = min + (max - min) * f * f;
        }
        return levels;
    }

    /** Heatmap with white contours; minima (white) and saddles (orange) of the merge tree on top when given. */
    public static Chart heatmap(PlaneResult p, TopologyResult t) {
        double[] mm = minMax(p.loss());
        Chart c = new Chart(W, H).title("Loss plane: heatmap and contours").xTitle("d₁").yTitle("d₂")
                .colorBar("loss", mm[0], mm[1]).legendAbove()
                .xRange(outer(p.x(), false), outer(p.x(), true)).yRange(outer(p.y(), false), outer(p.y(), true))
                .add(new GridMarks.Heatmap(p.x(), p.y(), p.loss(), mm[0], mm[1]))
                .add(new GridMarks.Contour(p.x(), p.y(), p.loss(), levels(mm[0], mm[1]), Style.stroke("#ffffff", 0.8)));
        if (t != null) {
            c.add(criticalPoints(t, "minimum", "minima", new Style("#ffffff", "#000000", 1, 1, null)));
            c.add(criticalPoints(t, "saddle", "saddles", new Style(Palette.ORANGE, "#000000", 1, 1, null)));
        }
        addPath(c, p, "#ffffff");
        return c;
    }

    /** The checkpoints placed on the plane (a trajectory, or the three it passes through), joined in order. */
    private static void addPath(Chart c, PlaneResult p, String color) {
        if (p.path().isEmpty()) {
            return;
        }
        int n = p.path().size();
        double[] x = new double[n];
        double[] y = new double[n];
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var q = p.path().get(i);
            x[i] = q.x();
            y[i] = q.y();
            tips.add(q.label() + "\n(" + Ticks.compact(q.x()) + ", " + Ticks.compact(q.y()) + ")\nloss " + Ticks.compact(q.loss()));
        }
        if (p.directions().startsWith("pca")) {
            c.add(new Marks.Line("trajectory", x, y, Style.stroke(color, 1.5)));
        }
        c.add(new Marks.Points("checkpoints", x, y, 4.5, new Style(Palette.RED, color, 1.2, 1, null), tips));
    }

    private static Marks.Points criticalPoints(TopologyResult t, String kind, String label, Style style) {
        List<TopologyResult.TreeNode> ns = t.mergeTree().stream().filter(n -> n.kind().equals(kind)).toList();
        double[] x = new double[ns.size()], y = new double[ns.size()];
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < ns.size(); i++) {
            x[i] = ns.get(i).coords()[0];
            y[i] = ns.get(i).coords()[1];
            tips.add(TopologyCharts.describe(ns.get(i)));
        }
        return new Marks.Points(ns.isEmpty() ? null : label, x, y, 4, style, tips);
    }

    public static Chart contour(PlaneResult p) {
        double[] mm = minMax(p.loss());
        Chart c = new Chart(W, H).title("Loss plane: contours").xTitle("d₁").yTitle("d₂")
                .add(new GridMarks.Contour(p.x(), p.y(), p.loss(), levels(mm[0], mm[1]), Style.stroke(Palette.BLUE, 1)));
        if (p.path().isEmpty()) {
            c.add(new Marks.Points("the model", new double[]{0}, new double[]{0}, 4, Style.fill(Palette.RED), null));
        }
        addPath(c, p, Palette.TEXT);
        return c;
    }

    public static SurfacePlot surface(PlaneResult p) {
        double[] mm = minMax(p.loss());
        return new SurfacePlot(W, H, p.loss(), mm[0], mm[1]).title("Loss surface").zLabel("loss");
    }

    /** Loss of each sample against its distance ‖c‖ from the model (the centre of the subspace). */
    public static Chart sampleScatter(SampleResult s) {
        double[] r = new double[s.loss().length];
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < r.length; i++) {
            double q = 0;
            for (double c : s.coords()[i]) {
                q += c * c;
            }
            r[i] = Math.sqrt(q);
            tips.add(String.format(Locale.ROOT, "loss %.4g at ‖c‖ = %.3g", s.loss()[i], r[i]));
        }
        return new Chart(W, H).title("Loss at each sample against its distance from the model").xTitle("‖c‖")
                .yTitle("mean loss").add(new Marks.Points(null, r, s.loss(), 2.5, Style.fill(Palette.BLUE).withOpacity(0.6), tips));
    }

    /** The outer edge of the first or last heatmap cell: half a step beyond the end point (no empty margin). */
    private static double outer(double[] c, boolean upper) {
        double half = c.length > 1 ? (c[1] - c[0]) / 2 : 0.5;
        return upper ? c[c.length - 1] + half : c[0] - half;
    }

    static double[] minMax(double[][] z) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        return new double[]{min, max};
    }
}
