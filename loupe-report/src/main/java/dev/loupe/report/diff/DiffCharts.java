package dev.loupe.report.diff;

import dev.loupe.diff.delta.LayerDelta;
import dev.loupe.diff.delta.LayerEsds;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.Ticks;

import java.util.ArrayList;
import java.util.List;

/** The diff report's charts; they draw the records' numbers and compute only bin densities for display. */
final class DiffCharts {
    private static final int BINS = 40;
    /** Relative size below which an eigenvalue is drawn as a numerical zero. */
    static final double ZERO = 1e-12;

    private DiffCharts() {
    }

    /** ‖ΔW‖/‖W‖ (or ‖ΔW‖ for an adapter alone) per layer in model order. */
    static Chart movement(List<LayerDelta> layers, boolean relative, double width, double height) {
        int n = layers.size();
        double[] x0 = new double[n];
        double[] x1 = new double[n];
        double[] y0 = new double[n];
        double[] y1 = new double[n];
        List<String> colors = new ArrayList<>(n);
        List<String> tips = new ArrayList<>(n);
        double gap = n > 60 ? 0.05 : 0.15;
        for (int i = 0; i < n; i++) {
            LayerDelta l = layers.get(i);
            x0[i] = i - 0.5 + gap;
            x1[i] = i + 0.5 - gap;
            y1[i] = relative ? l.relative() : l.deltaNorm();
            colors.add(Palette.BLUE);
            tips.add(l.name() + "\n‖ΔW‖ " + Ticks.compact(l.deltaNorm()) + (relative ? "\n‖ΔW‖/‖W‖ "
                    + Ticks.compact(l.relative()) + "\ncos(W, W') " + Ticks.compact(l.cosine()) : ""));
        }
        return new Chart(width, height)
                .title(relative ? "How far each layer moved: ‖ΔW‖_F / ‖W‖_F" : "Size of each update: ‖ΔW‖_F")
                .xTitle("layer (model order)").yTitle(relative ? "‖ΔW‖ / ‖W‖" : "‖ΔW‖")
                .add(new Marks.Bars(x0, x1, y0, y1, colors, tips, List.of()));
    }

    /** The ESD of W, of W' and of ΔW as log-binned densities on log–log axes. */
    static Chart spectra(LayerEsds e, LayerDelta row, double width, double height) {
        Chart c = new Chart(width, height).logX().logY().legendAbove()
                .title(e.name() + "  (ΔW alpha " + Ticks.compact(row.update().alpha()) + ")")
                .xTitle("eigenvalue λ of WᵀW").yTitle("density");
        add(c, "W", e.base(), Style.stroke(Palette.BLUE, 2));
        add(c, "W'", e.other(), Style.stroke(Palette.GREEN, 1.5).withDash("5 3"));
        add(c, "ΔW", e.delta(), Style.stroke(Palette.ORANGE, 2));
        return c;
    }

    private static void add(Chart c, String label, double[] ev, Style style) {
        double[][] d = logDensity(ev);
        if (d[0].length >= 2) {
            c.add(new Marks.Line(label, d[0], d[1], style));
        }
    }

    /**
     * Bin centres and densities over log-spaced bins (empty bins left out) of the eigenvalues above 10⁻¹²·λ_max:
     * below that they are the Gram's rounding of exact zeros (dead units, a low-rank update), which on log axes
     * would stretch the plot over tens of decades.
     */
    static double[][] logDensity(double[] ev) {
        double max = 0;
        for (double v : ev) {
            max = Double.isFinite(v) ? Math.max(max, v) : max;
        }
        double floor = max * ZERO;
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        int n = 0;
        for (double v : ev) {
            if (v > floor && Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                n++;
            }
        }
        if (n < 2 || !(hi > lo)) {
            return new double[2][0];
        }
        double a = Math.log(lo);
        double w = (Math.log(hi) - a) / BINS;
        int[] count = new int[BINS];
        for (double v : ev) {
            if (v > floor && Double.isFinite(v)) {
                count[Math.min(BINS - 1, (int) ((Math.log(v) - a) / w))]++;
            }
        }
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < BINS; i++) {
            if (count[i] > 0) {
                double left = Math.exp(a + i * w);
                double right = Math.exp(a + (i + 1) * w);
                pts.add(new double[]{Math.sqrt(left * right), count[i] / (n * (right - left))});
            }
        }
        double[][] out = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            out[0][i] = pts.get(i)[0];
            out[1][i] = pts.get(i)[1];
        }
        return out;
    }
}
