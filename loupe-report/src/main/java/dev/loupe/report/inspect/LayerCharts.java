package dev.loupe.report.inspect;

import dev.loupe.report.plot.Chart;
import dev.loupe.report.plot.Marks;
import dev.loupe.report.plot.Palette;
import dev.loupe.report.plot.Style;
import dev.loupe.report.plot.Ticks;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.result.Histogram;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.LayerSpectrum;
import dev.loupe.spectral.weights.GeneralizedGaussian;

/** The two per-layer charts: the ESD on log–log axes with its fits, and the weight histogram with the GGD. */
final class LayerCharts {
    private static final int CURVE_POINTS = 80;

    private LayerCharts() {
    }

    /**
     * ESD density (histogram of the eigenvalues normalized to unit area) on log–log axes, the fitted
     * power law over [xmin, xmax], a dashed line at xmin, and the Marchenko–Pastur bulk shaded.
     */
    static Chart esd(LayerMetrics m, LayerSpectrum s, double width, double height) {
        Histogram h = s.esdHistogram();
        double[] density = density(h);
        long total = total(h);
        Chart c = new Chart(width, height).logX().logY().legendAbove().xTitle("eigenvalue λ of WᵀW").yTitle("density");
        double[] yr = logRange(density, 1e-6);
        if (yr != null) {
            c.yRange(yr[0], yr[1]);
        }
        if (Double.isFinite(s.mpBulkMax()) && s.mpBulkMax() > 0) {
            c.add(new Marks.Band("MP bulk", s.mpBulkMin(), s.mpBulkMax(), Style.fill(Palette.GREEN).withOpacity(0.16)));
        }
        c.add(new Marks.Histogram("ESD", h.edges(), density, "#90b4dc"));
        if (Double.isFinite(s.alpha()) && s.xmin() > 0 && s.xmax() > s.xmin() && total > 0) {
            double frac = (double) m.fit().numPlSpikes() / total;
            double[] x = new double[CURVE_POINTS];
            double[] y = new double[CURVE_POINTS];
            double l0 = Math.log10(s.xmin());
            double l1 = Math.log10(s.xmax());
            for (int i = 0; i < CURVE_POINTS; i++) {
                x[i] = Math.pow(10, l0 + (l1 - l0) * i / (CURVE_POINTS - 1));
                y[i] = frac * PowerLawFitter.density(x[i], s.alpha(), s.xmin()); // the tail holds frac of the mass
            }
            c.add(new Marks.Line("power law α = " + Ticks.compact(s.alpha()), x, y, Style.stroke(Palette.RED, 2)));
            c.add(new Marks.VLine("xmin = " + Ticks.compact(s.xmin()), s.xmin(),
                    Style.stroke(Palette.PURPLE, 1.4).withDash("5 3")));
        }
        return c;
    }

    /** Weight histogram (density, log y so tails show) and the fitted generalized-Gaussian density. */
    static Chart weights(LayerSpectrum s, double width, double height) {
        Histogram h = s.weightHistogram();
        double[] density = density(h);
        double[] edges = h.edges();
        Chart c = new Chart(width, height).logY().legendAbove().xTitle("weight value").yTitle("density");
        double[] yr = logRange(density, 1e-5);
        if (yr != null) {
            c.yRange(yr[0], yr[1]);
        }
        c.add(new Marks.Histogram("weights", edges, density, "#b7c4d4"));
        if (s.ggdBeta() > 0 && s.ggdScale() > 0 && edges.length > 1) {
            double[] x = new double[CURVE_POINTS * 2];
            double[] y = new double[x.length];
            double a = edges[0];
            double b = edges[edges.length - 1];
            for (int i = 0; i < x.length; i++) {
                x[i] = a + (b - a) * i / (x.length - 1);
                y[i] = GeneralizedGaussian.density(x[i], s.weightMean(), s.ggdScale(), s.ggdBeta());
            }
            c.add(new Marks.Line("GGD fit β = " + Ticks.compact(s.ggdBeta()), x, y, Style.stroke(Palette.ORANGE, 2)));
        }
        return c;
    }

    /** Counts → density: count / (total · bin width), so curves of unit area overlay it directly. */
    static double[] density(Histogram h) {
        long[] counts = h.counts();
        double[] edges = h.edges();
        long total = total(h);
        double[] d = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            double w = edges[i + 1] - edges[i];
            d[i] = total == 0 || !(w > 0) ? 0 : counts[i] / (total * w);
        }
        return d;
    }

    private static long total(Histogram h) {
        long t = 0;
        for (long c : h.counts()) {
            t += c;
        }
        return t;
    }

    /** Whole decades from the smallest positive value (but at most {@code span} below the max) to the max. */
    private static double[] logRange(double[] v, double span) {
        double max = 0;
        for (double d : v) {
            max = Math.max(max, d);
        }
        if (!(max > 0) || !Double.isFinite(max)) {
            return null;
        }
        double min = max;
        for (double d : v) {
            if (d > 0) {
                min = Math.min(min, d);
            }
        }
        min = Math.max(min, max * span);
        double hi = Math.pow(10, Math.ceil(Math.log10(max) + 0.05));
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        return new double[]{lo, hi > lo ? hi : lo * 10};
    }
}
