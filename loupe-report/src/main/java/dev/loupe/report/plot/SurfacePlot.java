package dev.loupe.report.plot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A 3-D-looking image of a surface z[row][col] over a grid (e.g. a loss landscape): each grid cell is a
 * quadrilateral in a fixed oblique view (azimuth 45°, elevation 30°), coloured on viridis by its mean
 * height and painted far-to-near (painter's algorithm), so no 3-D library is needed.
 */
public final class SurfacePlot {
    private static final double AZIMUTH = Math.toRadians(45);
    private static final double ELEVATION = Math.toRadians(35);
    /** Height of the z range relative to the grid half-width: low enough that basins do not fold over. */
    private static final double HEIGHT = 0.75;

    private final double width;
    private final double height;
    private final double[][] z;
    private final double zMin;
    private final double zMax;
    private String title = "";
    private String zLabel = "";

    /** One painted cell: screen corners, colour key 0..1 and depth (larger = farther). */
    record Quad(double[] xs, double[] ys, double t, double depth) {
    }

    public SurfacePlot(double width, double height, double[][] z, double zMin, double zMax) {
        this.width = width;
        this.height = height;
        this.z = z;
        this.zMin = zMin;
        this.zMax = zMax > zMin ? zMax : zMin + 1;
    }

    public SurfacePlot title(String t) {
        title = t;
        return this;
    }

    public SurfacePlot zLabel(String l) {
        zLabel = l;
        return this;
    }

    public String toSvg() {
        return SvgCanvas.render(width, height, title.isEmpty() ? "surface" : title, this::draw);
    }

    public byte[] toPng(double scale) {
        return PngCanvas.render(width, height, scale, this::draw);
    }

    /** The cells in painting order (farthest first), in unit screen coordinates before fitting to the canvas. */
    List<Quad> quads() {
        int rows = z.length;
        int cols = z[0].length;
        List<Quad> out = new ArrayList<>();
        for (int r = 0; r + 1 < rows; r++) {
            for (int k = 0; k + 1 < cols; k++) {
                int[][] corners = {{r, k}, {r, k + 1}, {r + 1, k + 1}, {r + 1, k}};
                double[] xs = new double[4];
                double[] ys = new double[4];
                double sum = 0;
                double depth = 0;
                boolean ok = true;
                for (int i = 0; i < 4; i++) {
                    double gx = 2.0 * corners[i][1] / (cols - 1) - 1;
                    double gy = 2.0 * corners[i][0] / (rows - 1) - 1;
                    double v = z[corners[i][0]][corners[i][1]];
                    ok &= Double.isFinite(v);
                    double h = (Math.max(zMin, Math.min(zMax, v)) - zMin) / (zMax - zMin);
                    xs[i] = gx * Math.cos(AZIMUTH) - gy * Math.sin(AZIMUTH);
                    double across = gx * Math.sin(AZIMUTH) + gy * Math.cos(AZIMUTH);
                    ys[i] = -across * Math.sin(ELEVATION) - h * Math.cos(ELEVATION) * HEIGHT;
                    sum += h;
                    depth += across;
                }
                if (ok) {
                    out.add(new Quad(xs, ys, sum / 4, depth));
                }
            }
        }
        out.sort(Comparator.comparingDouble(Quad::depth).reversed());
        return out;
    }

    private void draw(Canvas c) {
        double top = title.isEmpty() ? 10 : 34;
        if (!title.isEmpty()) {
            c.text(14, 22, title, TextStyle.of(14, "start").asBold());
        }
        List<Quad> quads = quads();
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Quad q : quads) {
            for (int i = 0; i < 4; i++) {
                minX = Math.min(minX, q.xs()[i]);
                maxX = Math.max(maxX, q.xs()[i]);
                minY = Math.min(minY, q.ys()[i]);
                maxY = Math.max(maxY, q.ys()[i]);
            }
        }
        double barSpace = 80;
        double availW = width - 20 - barSpace;
        double availH = height - top - 10;
        double s = Math.min(availW / (maxX - minX), availH / (maxY - minY));
        double ox = 10 + (availW - s * (maxX - minX)) / 2 - s * minX;
        double oy = top + (availH - s * (maxY - minY)) / 2 - s * minY;
        c.beginGroup("marks");
        for (Quad q : quads) {
            double[] xs = new double[4];
            double[] ys = new double[4];
            for (int i = 0; i < 4; i++) {
                xs[i] = ox + s * q.xs()[i];
                ys[i] = oy + s * q.ys()[i];
            }
            String color = Palette.viridis(q.t());
            c.polygon(xs, ys, Style.fill(color).withStroke("#ffffff", 0.25), null);
        }
        c.endGroup();
        // colour bar: which colour is which height
        double x = width - barSpace + 10;
        double h = availH * 0.7;
        double y0 = top + (availH - h) / 2;
        int steps = 48;
        for (int i = 0; i < steps; i++) {
            c.rect(x, y0 + h - (i + 1) * h / steps, 14, h / steps + 0.5, Style.fill(Palette.viridis((i + 0.5) / steps)),
                    null);
        }
        LinearScale zs = new LinearScale(zMin, zMax);
        for (Tick t : zs.ticks()) {
            double py = y0 + h - zs.fraction(t.value()) * h;
            c.line(x + 14, py, x + 18, py, Style.stroke(Palette.AXIS, 1));
            c.text(x + 21, py + 4, t.label(), TextStyle.of(10, "start").colored(Palette.MUTED));
        }
        c.text(x + 7, y0 - 8, zLabel, TextStyle.of(10, "middle").colored(Palette.MUTED));
    }
}
