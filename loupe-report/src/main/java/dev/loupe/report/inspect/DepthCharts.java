package dev.loupe.report.inspect;

import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.LegendEntry;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.Tick;
import dev.loupe.report.plot.Ticks;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.Warning;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Charts with one value per layer, in model order (x = layer position). */
final class DepthCharts {
    private DepthCharts() {
    }

    /** Alpha per layer as bars coloured by warning, PL_Alpha_Hill as dots, the 2 and 6 thresholds dashed. */
    static Chart alpha(List<LayerMetrics> layers, double width, double height) {
        int n = layers.size();
        double[] x0 = new double[n];
        double[] x1 = new double[n];
        double[] y0 = new double[n];
        double[] y1 = new double[n];
        double[] xs = new double[n];
        double[] hill = new double[n];
        List<String> colors = new ArrayList<>(n);
        List<String> tips = new ArrayList<>(n);
        Set<Warning> seen = new LinkedHashSet<>();
        double gap = n > 60 ? 0.05 : 0.15;
        for (int i = 0; i < n; i++) {
            LayerMetrics m = layers.get(i);
            x0[i] = i - 0.5 + gap;
            x1[i] = i + 0.5 - gap;
            y1[i] = m.alpha(); // NaN (failed fit) draws nothing; the layer still has its slot and table row
            xs[i] = i;
            hill[i] = m.plAlphaHill();
            colors.add(Warnings.color(m.warning()));
            seen.add(m.warning());
            tips.add("#" + m.layer().index() + " " + m.name() + "\nalpha " + Ticks.compact(m.alpha())
                    + "\nPL_Alpha_Hill " + Ticks.compact(m.plAlphaHill())
                    + (m.warning() == Warning.NONE ? "" : "\n" + m.warning()));
        }
        List<LegendEntry> legend = new ArrayList<>();
        for (Warning w : seen) {
            legend.add(new LegendEntry("alpha: " + Warnings.label(w), LegendEntry.Swatch.BOX,
                    Style.fill(Warnings.color(w))));
        }
        double top = 0;
        for (int i = 0; i < n; i++) {
            top = Math.max(top, Double.isFinite(y1[i]) ? y1[i] : 0);
            top = Math.max(top, Double.isFinite(hill[i]) ? hill[i] : 0);
        }
        Chart c = new Chart(width, height)
                .title("Power-law exponent α per layer").legendAbove()
                .xTitle("layer (model order)").yTitle("α")
                .xRange(-0.5, Math.max(n, 1) - 0.5)
                .yRange(0, Math.max(8, Math.ceil(top + 0.5)))
                .xTicks(layerTicks(n))
                .add(new Marks.Bars(x0, x1, y0, y1, colors, tips, legend))
                .add(new Marks.HLine("", 2, Style.stroke(Palette.RED, 1).withDash("5 4")))
                .add(new Marks.HLine("", 6, Style.stroke(Palette.ORANGE, 1).withDash("5 4")));
        c.add(new Marks.Points("PL_Alpha_Hill", xs, hill, n > 80 ? 1.8 : 3,
                new Style(Palette.TEXT, "#ffffff", 0.8, 0.85, null), tips));
        return c;
    }

    /** Round-to-nearest quantization error per layer (log y): how much int8/int4 would hurt each matrix. */
    static Chart quantization(List<LayerMetrics> layers, double width, double height) {
        int n = layers.size();
        double[] xs = new double[n];
        double[][] ys = new double[4][n];
        for (int i = 0; i < n; i++) {
            LayerMetrics m = layers.get(i);
            xs[i] = i;
            ys[0][i] = m.weights().int8PerChannel();
            ys[1][i] = m.weights().int8Group128();
            ys[2][i] = m.weights().int4PerChannel();
            ys[3][i] = m.weights().int4Group128();
        }
        String[] names = {"int8 per channel", "int8 group 128", "int4 per channel", "int4 group 128"};
        String[] colors = {Palette.CATEGORICAL[0], Palette.CATEGORICAL[4], Palette.CATEGORICAL[5],
                Palette.CATEGORICAL[1]};
        Chart c = new Chart(width, height)
                .title("Relative quantization error ‖W − Q(W)‖ / ‖W‖ per layer")
                .xTitle("layer (model order)").yTitle("relative error")
                .xRange(-0.5, Math.max(n, 1) - 0.5).xTicks(layerTicks(n)).logY().legendAbove();
        for (int k = 0; k < 4; k++) {
            c.add(new Marks.Line(names[k], xs, ys[k], Style.stroke(colors[k], 1.6).withDash(k % 2 == 1 ? "5 3" : null)));
        }
        return c;
    }

    /** Integer layer positions, thinned so that at most ~16 are labelled. */
    static List<Tick> layerTicks(int n) {
        int every = Math.max(1, (int) Ticks.niceStep(n / 16.0));
        List<Tick> t = new ArrayList<>();
        for (int i = 0; i < n; i += every) {
            t.add(new Tick(i, Integer.toString(i), true));
        }
        return t;
    }
}
