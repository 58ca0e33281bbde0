package dev.loupe.report.compress;

import dev.loupe.compress.Mode;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.result.LayerResult;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.LegendEntry;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.Tick;
import dev.loupe.report.plot.Ticks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Per-layer sparsity or bits across depth, and the allocation's driving metric on the same x positions. */
final class AllocationCharts {
    private AllocationCharts() {
    }

    /** One bar per layer (achieved sparsity, or stored bits), the model-wide target dashed. */
    static Chart budget(CompressionReport r, double width, double height) {
        boolean prune = r.mode() == Mode.PRUNE;
        List<LayerResult> layers = r.layers();
        int n = layers.size();
        double[] x0 = new double[n];
        double[] x1 = new double[n];
        double[] y0 = new double[n];
        double[] y1 = new double[n];
        List<String> tips = new ArrayList<>(n);
        double gap = n > 60 ? 0.05 : 0.15;
        double top = prune ? 1 : 8;
        for (int i = 0; i < n; i++) {
            LayerResult l = layers.get(i);
            x0[i] = i - 0.5 + gap;
            x1[i] = i + 0.5 - gap;
            y1[i] = prune ? l.sparsity() : l.bits();
            if (!prune && Double.isFinite(l.bits())) {
                top = Math.max(top, l.bits());
            }
            tips.add("#" + i + " " + label(l) + "\n" + Ticks.compact((double) l.params()) + " params"
                    + (prune ? "\nsparsity " + Ticks.compact(l.sparsity()) + " (target " + Ticks.compact(l.target()) + ")"
                    : "\nbits " + Ticks.compact(l.bits()))
                    + (Double.isFinite(l.metric()) ? "\n" + metricName(r) + " " + Ticks.compact(l.metric()) : "")
                    + "\nrelative error " + Ticks.compact(l.relativeError()));
        }
        String what = prune ? "sparsity" : "bits";
        List<LegendEntry> legend = List.of(new LegendEntry(what + " per layer", LegendEntry.Swatch.BOX, Style.fill(Palette.BLUE)));
        return new Chart(width, height)
                .title((prune ? "Achieved sparsity" : "Stored bits per weight") + " per layer · allocation " + r.allocation())
                .legendAbove().xTitle("layer (model order)").yTitle(what)
                .xRange(-0.5, Math.max(n, 1) - 0.5).yRange(0, prune ? 1 : Math.ceil(top))
                .xTicks(layerTicks(n))
                .add(new Marks.Bars(x0, x1, y0, y1, Collections.nCopies(n, Palette.BLUE), tips, legend))
                .add(new Marks.HLine("target " + Ticks.compact(r.target()), r.target(),
                        Style.stroke(Palette.RED, 1.2).withDash("5 4")));
    }

    /** The allocation's metric per layer as dots (alpha, outlier ratio, or squared error), or null if it had none. */
    static Chart metric(CompressionReport r, double width, double height) {
        List<LayerResult> layers = r.layers();
        int n = layers.size();
        double[] xs = new double[n];
        double[] ys = new double[n];
        List<String> tips = new ArrayList<>(n);
        boolean any = false;
        double max = 0;
        for (int i = 0; i < n; i++) {
            xs[i] = i;
            ys[i] = layers.get(i).metric();
            any |= Double.isFinite(ys[i]);
            max = Double.isFinite(ys[i]) ? Math.max(max, ys[i]) : max;
            tips.add("#" + i + " " + label(layers.get(i)) + "\n" + metricName(r) + " " + Ticks.compact(ys[i]));
        }
        if (!any) {
            return null;
        }
        return new Chart(width, height)
                .title(metricName(r) + " per layer (what the allocation read)").legendAbove()
                .xTitle("layer (model order)").yTitle(metricName(r))
                .xRange(-0.5, Math.max(n, 1) - 0.5).yRange(0, max > 0 ? max * 1.1 : 1)
                .xTicks(layerTicks(n))
                .add(new Marks.Points(metricName(r), xs, ys, n > 80 ? 2 : 4,
                        new Style(Palette.ORANGE, "#ffffff", 0.8, 0.9, null), tips));
    }

    static String metricName(CompressionReport r) {
        String m = r.metricName();
        return m.isEmpty() ? "metric" : m;
    }

    static String label(LayerResult l) {
        return l.node().isEmpty() ? l.name() : l.node() + " (" + l.name() + ")";
    }

    private static List<Tick> layerTicks(int n) {
        int every = Math.max(1, (int) Ticks.niceStep(n / 16.0));
        List<Tick> t = new ArrayList<>();
        for (int i = 0; i < n; i += every) {
            t.add(new Tick(i, Integer.toString(i), true));
        }
        return t;
    }
}
