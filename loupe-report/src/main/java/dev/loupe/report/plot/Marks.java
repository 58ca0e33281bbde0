package dev.loupe.report.plot;

import java.util.List;

/** The ordinary marks: lines, points, bars, vertical lines and shaded vertical bands. */
public final class Marks {
    private Marks() {
    }

    private static List<LegendEntry> entry(String label, LegendEntry.Swatch swatch, Style style) {
        return label == null || label.isEmpty() ? List.of() : List.of(new LegendEntry(label, swatch, style));
    }

    /** A polyline through (x[i], y[i]). */
    public record Line(String label, double[] x, double[] y, Style style) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            double[] px = new double[x.length];
            double[] py = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                px[i] = f.px(x[i]);
                py[i] = f.py(y[i]);
            }
            c.polyline(px, py, style);
        }

        @Override
        public void extent(Extent e) {
            for (int i = 0; i < x.length; i++) {
                e.x(x[i]);
                e.y(y[i]);
            }
        }

        @Override
        public List<LegendEntry> legend() {
            return entry(label, LegendEntry.Swatch.LINE, style);
        }
    }

    /** Dots at (x[i], y[i]), each with an optional hover text. */
    public record Points(String label, double[] x, double[] y, double radius, Style style, List<String> tooltips)
            implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            for (int i = 0; i < x.length; i++) {
                double px = f.px(x[i]);
                double py = f.py(y[i]);
                if (!Double.isNaN(px) && !Double.isNaN(py)) {
                    c.circle(px, py, radius, style, tooltips == null ? null : tooltips.get(i));
                }
            }
        }

        @Override
        public void extent(Extent e) {
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(y[i])) {
                    e.x(x[i]);
                    e.y(y[i]);
                }
            }
        }

        @Override
        public List<LegendEntry> legend() {
            return entry(label, LegendEntry.Swatch.POINT, style);
        }
    }

    /** Rectangles [x0, x1] × [y0, y1], each with its own colour and hover text; legend given explicitly. */
    public record Bars(double[] x0, double[] x1, double[] y0, double[] y1, List<String> colors, List<String> tooltips,
                       List<LegendEntry> legend) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            for (int i = 0; i < x0.length; i++) {
                double a = f.px(x0[i]);
                double b = f.px(x1[i]);
                double top = f.py(Math.max(y0[i], y1[i]));
                double bottom = f.y().accepts(Math.min(y0[i], y1[i])) ? f.py(Math.min(y0[i], y1[i])) : f.bottom();
                if (Double.isNaN(a) || Double.isNaN(b) || Double.isNaN(top)) {
                    continue;
                }
                bottom = Math.min(bottom, f.bottom());
                top = Math.max(top, f.top());
                c.rect(Math.min(a, b), top, Math.abs(b - a), bottom - top, Style.fill(colors.get(i)),
                        tooltips == null ? null : tooltips.get(i));
            }
        }

        @Override
        public void extent(Extent e) {
            for (int i = 0; i < x0.length; i++) {
                e.x(x0[i]);
                e.x(x1[i]);
                e.y(y0[i]);
                e.y(y1[i]);
            }
        }
    }

    /**
     * A histogram drawn as one filled step outline (contiguous bins {@code edges[i]..edges[i+1]} with
     * heights {@code heights[i]}): one SVG element instead of one per bin keeps big reports small.
     */
    public record Histogram(String label, double[] edges, double[] heights, String color) implements Mark {
        public Histogram {
            if (edges.length != heights.length + 1) {
                throw new IllegalArgumentException(edges.length + " edges for " + heights.length + " bins");
            }
        }

        @Override
        public void draw(Frame f, Canvas c) {
            int n = heights.length;
            double[] xs = new double[2 * n + 2];
            double[] ys = new double[2 * n + 2];
            int k = 0;
            for (int i = 0; i < n; i++) {
                double top = f.py(heights[i]);
                top = Double.isNaN(top) ? f.bottom() : Math.max(f.top() - 1, Math.min(f.bottom(), top));
                double a = f.px(edges[i]);
                double b = f.px(edges[i + 1]);
                if (Double.isNaN(a) || Double.isNaN(b)) {
                    return; // a log axis cannot show bins that start at or below zero; nothing sensible to draw
                }
                if (i == 0) {
                    xs[k] = a;
                    ys[k++] = f.bottom();
                }
                xs[k] = a;
                ys[k++] = top;
                xs[k] = b;
                ys[k++] = top;
            }
            xs[k] = f.px(edges[n]);
            ys[k] = f.bottom();
            c.polygon(xs, ys, Style.fill(color).withStroke(color, 0.6), label);
        }

        @Override
        public void extent(Extent e) {
            for (int i = 0; i < heights.length; i++) {
                e.x(edges[i]);
                e.y(heights[i]);
            }
            e.x(edges[heights.length]);
            e.y(0);
        }

        @Override
        public List<LegendEntry> legend() {
            return entry(label, LegendEntry.Swatch.BOX, Style.fill(color));
        }
    }

    /** A vertical line across the whole plot at x (e.g. xmin of a fit). */
    public record VLine(String label, double x, Style style) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            double px = f.px(x);
            if (!Double.isNaN(px) && px >= f.left() - 0.5 && px <= f.right() + 0.5) {
                c.line(px, f.top(), px, f.bottom(), style);
            }
        }

        @Override
        public void extent(Extent e) {
            e.x(x);
        }

        @Override
        public List<LegendEntry> legend() {
            return entry(label, LegendEntry.Swatch.LINE, style);
        }
    }

    /** A horizontal reference line at y. */
    public record HLine(String label, double y, Style style) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            double py = f.py(y);
            if (!Double.isNaN(py) && py >= f.top() - 0.5 && py <= f.bottom() + 0.5) {
                c.line(f.left(), py, f.right(), py, style);
            }
        }

        @Override
        public void extent(Extent e) {
            e.y(y);
        }

        @Override
        public List<LegendEntry> legend() {
            return entry(label, LegendEntry.Swatch.LINE, style);
        }
    }

    /** A shaded vertical band from x0 to x1 over the full height (e.g. the Marchenko–Pastur bulk). */
    public record Band(String label, double x0, double x1, Style style) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            double a = Math.max(f.left(), Double.isNaN(f.px(x0)) ? f.left() : f.px(x0));
            double b = Math.min(f.right(), Double.isNaN(f.px(x1)) ? f.left() : f.px(x1));
            if (b > a) {
                c.rect(a, f.top(), b - a, f.height(), style, label);
            }
        }

        @Override
        public void extent(Extent e) {
            e.x(x0);
            e.x(x1);
        }

        @Override
        public List<LegendEntry> legend() {
            return entry(label, LegendEntry.Swatch.BOX, style);
        }
    }
}
