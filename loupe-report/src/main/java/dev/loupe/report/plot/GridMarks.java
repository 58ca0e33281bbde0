package dev.loupe.report.plot;

import java.util.List;

/**
 * Marks for values on a regular grid {@code z[row][col]} at x = xs[col], y = ys[row] (e.g. a loss
 * landscape slice): a heatmap of cells coloured on viridis, and contour lines by marching squares.
 */
public final class GridMarks {
    private GridMarks() {
    }

    /** Cells centred on the grid points, coloured by (z − zMin)/(zMax − zMin). */
    public record Heatmap(double[] xs, double[] ys, double[][] z, double zMin, double zMax) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            for (int r = 0; r < ys.length; r++) {
                double y0 = f.py(edge(ys, r, false));
                double y1 = f.py(edge(ys, r, true));
                for (int k = 0; k < xs.length; k++) {
                    double x0 = f.px(edge(xs, k, false));
                    double x1 = f.px(edge(xs, k, true));
                    double t = (z[r][k] - zMin) / (zMax - zMin);
                    // +0.4 px overlap hides hairline seams between cells in browsers
                    c.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0) + 0.4, Math.abs(y1 - y0) + 0.4,
                            Style.fill(Double.isNaN(z[r][k]) ? "#cccccc" : Palette.viridis(t)), null);
                }
            }
        }

        @Override
        public void extent(Extent e) {
            e.x(edge(xs, 0, false));
            e.x(edge(xs, xs.length - 1, true));
            e.y(edge(ys, 0, false));
            e.y(edge(ys, ys.length - 1, true));
        }

        @Override
        public List<LegendEntry> legend() {
            return List.of();
        }
    }

    /** Contour lines of z at the given levels, one colour. */
    public record Contour(double[] xs, double[] ys, double[][] z, double[] levels, Style style) implements Mark {
        @Override
        public void draw(Frame f, Canvas c) {
            for (double level : levels) {
                for (double[] s : segments(level)) {
                    c.line(f.px(s[0]), f.py(s[1]), f.px(s[2]), f.py(s[3]), style);
                }
            }
        }

        /** Marching squares: for each cell, the segments where the bilinear surface crosses {@code level}. */
        java.util.List<double[]> segments(double level) {
            java.util.List<double[]> out = new java.util.ArrayList<>();
            for (int r = 0; r + 1 < ys.length; r++) {
                for (int k = 0; k + 1 < xs.length; k++) {
                    double a = z[r][k];
                    double b = z[r][k + 1];
                    double cc = z[r + 1][k + 1];
                    double d = z[r + 1][k];
                    if (Double.isNaN(a) || Double.isNaN(b) || Double.isNaN(cc) || Double.isNaN(d)) {
                        continue;
                    }
                    // crossing points on the four edges (bottom, right, top, left), NaN when no crossing
                    double[][] p = {
                            cross(xs[k], ys[r], a, xs[k + 1], ys[r], b, level),
                            cross(xs[k + 1], ys[r], b, xs[k + 1], ys[r + 1], cc, level),
                            cross(xs[k + 1], ys[r + 1], cc, xs[k], ys[r + 1], d, level),
                            cross(xs[k], ys[r + 1], d, xs[k], ys[r], a, level)};
                    java.util.List<double[]> hits = new java.util.ArrayList<>(4);
                    for (double[] q : p) {
                        if (q != null) {
                            hits.add(q);
                        }
                    }
                    if (hits.size() == 2) {
                        out.add(new double[]{hits.get(0)[0], hits.get(0)[1], hits.get(1)[0], hits.get(1)[1]});
                    } else if (hits.size() == 4) {
                        // saddle: decide the pairing by the cell-centre value
                        boolean centreAbove = (a + b + cc + d) / 4 >= level;
                        boolean aAbove = a >= level;
                        int[] pair = centreAbove == aAbove ? new int[]{0, 1, 2, 3} : new int[]{0, 3, 1, 2};
                        out.add(new double[]{p[pair[0]][0], p[pair[0]][1], p[pair[1]][0], p[pair[1]][1]});
                        out.add(new double[]{p[pair[2]][0], p[pair[2]][1], p[pair[3]][0], p[pair[3]][1]});
                    }
                }
            }
            return out;
        }

        private static double[] cross(double x0, double y0, double v0, double x1, double y1, double v1, double level) {
            if ((v0 >= level) == (v1 >= level)) {
                return null;
            }
            double t = (level - v0) / (v1 - v0);
            return new double[]{x0 + t * (x1 - x0), y0 + t * (y1 - y0)};
        }

        @Override
        public void extent(Extent e) {
            e.x(xs[0]);
            e.x(xs[xs.length - 1]);
            e.y(ys[0]);
            e.y(ys[ys.length - 1]);
        }

        @Override
        public List<LegendEntry> legend() {
            return List.of();
        }
    }

    /** The cell boundary half-way to the neighbouring grid point (mirrored at the ends). */
    static double edge(double[] c, int i, boolean upper) {
        if (c.length == 1) {
            return c[0] + (upper ? 0.5 : -0.5);
        }
        if (upper) {
            return i + 1 < c.length ? (c[i] + c[i + 1]) / 2 : c[i] + (c[i] - c[i - 1]) / 2;
        }
        return i > 0 ? (c[i - 1] + c[i]) / 2 : c[i] - (c[i + 1] - c[i]) / 2;
    }
}
