package dev.loupe.report.landscape;

import dev.loupe.landscape.result.HessianResult;
import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The SLQ eigenvalue density and the top eigenvalues of a {@link HessianResult}. */
public final class HessianCharts {
    /** Density values this far below the peak are drawn at the floor, as PyHessian's plots clip them. */
    static final double FLOOR = 1e-8;
    /** Points kept per curve: a min and a max per bucket, so a 10,000-point grid keeps every spike. */
    static final int BUCKETS = 800;

    private HessianCharts() {
    }

    /** Null when the density was skipped. Top eigenvalues are dashed lines, the SLQ nodes short ticks at the bottom. */
    public static Chart density(HessianResult r, double width, double height) {
        if (r.density().length == 0) {
            return null;
        }
        double peak = 0;
        for (double d : r.density()) {
            peak = Math.max(peak, d);
        }
        double floor = peak * FLOOR;
        double[][] xy = decimate(r.densityGrid(), r.density(), floor);
        Chart c = new Chart(width, height).title(String.format(Locale.ROOT,
                        "Eigenvalue spectral density (SLQ, %d nodes, Gaussian broadening σ² = %.2g)", r.nodes().length, r.sigma2()))
                .xTitle("eigenvalue").yTitle("density").logY().yRange(floor, peak * 3).legendAbove()
                .add(new Marks.Line("density", xy[0], xy[1], Style.stroke(Palette.BLUE, 1.4)));
        for (int i = 0; i < r.eigenvalues().length; i++) {
            c.add(new Marks.VLine(i == 0 ? "top eigenvalues" : null, r.eigenvalues()[i],
                    Style.stroke(Palette.RED, 1).withDash("5 3")));
        }
        double[] ny = new double[r.nodes().length];
        java.util.Arrays.fill(ny, floor * 3);
        List<String> tips = new ArrayList<>();
        for (int i = 0; i < r.nodes().length; i++) {
            tips.add(String.format(Locale.ROOT, "Ritz value %.5g, weight %.3g", r.nodes()[i], r.weights()[i]));
        }
        c.add(new Marks.Points("SLQ nodes (Ritz values)", r.nodes(), ny, 2.2, Style.fill(Palette.ORANGE).withOpacity(0.8), tips));
        return c;
    }

    /** Null with fewer than two eigenvalues (a card says it all). */
    public static Chart eigenvalues(HessianResult r, double width, double height) {
        int k = r.eigenvalues().length;
        if (k < 2) {
            return null;
        }
        double[] x = new double[k], x0 = new double[k], x1 = new double[k], y0 = new double[k];
        List<String> colors = new ArrayList<>(), tips = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            x[i] = i + 1;
            x0[i] = i + 0.65;
            x1[i] = i + 1.35;
            colors.add(r.eigenvalues()[i] >= 0 ? Palette.BLUE : Palette.RED);
            tips.add(String.format(Locale.ROOT, "λ%d = %.6g ± %.2g (residual bound)", i + 1, r.eigenvalues()[i], r.residuals()[i]));
        }
        List<dev.loupe.report.plot.Tick> ticks = new ArrayList<>();
        for (int i = 1; i <= k; i++) {
            ticks.add(new dev.loupe.report.plot.Tick(i, "λ" + i, true));
        }
        return new Chart(width, height).title("Top " + k + " Hessian eigenvalues (by magnitude)").xTitle("rank")
                .xRange(0.4, k + 0.6).xTicks(ticks)
                .yTitle("eigenvalue").add(new Marks.Bars(x0, x1, y0, r.eigenvalues(), colors, tips, List.of()));
    }

    /**
     * The curve reduced to the lowest and highest point of each of {@link #BUCKETS} equal slices of the grid,
     * in grid order, each clipped below at {@code floor}. Display only: the full curve is in the JSON/CSV.
     */
    static double[][] decimate(double[] x, double[] y, double floor) {
        int n = x.length;
        if (n <= 2 * BUCKETS) {
            double[] yy = new double[n];
            for (int i = 0; i < n; i++) {
                yy[i] = Math.max(y[i], floor);
            }
            return new double[][]{x.clone(), yy};
        }
        double[] ox = new double[2 * BUCKETS], oy = new double[2 * BUCKETS];
        int k = 0;
        for (int b = 0; b < BUCKETS; b++) {
            int from = (int) ((long) b * n / BUCKETS), to = (int) ((long) (b + 1) * n / BUCKETS);
            int lo = from, hi = from;
            for (int i = from; i < to; i++) {
                lo = y[i] < y[lo] ? i : lo;
                hi = y[i] > y[hi] ? i : hi;
            }
            int first = Math.min(lo, hi), second = Math.max(lo, hi);
            ox[k] = x[first];
            oy[k++] = Math.max(y[first], floor);
            ox[k] = x[second];
            oy[k++] = Math.max(y[second], floor);
        }
        return new double[][]{ox, oy};
    }
}
