package dev.loupe.report.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * An x–y chart: title, axis titles, linear or log scales, marks, a legend, and optionally a colour bar.
 * Built with chained calls, then drawn to SVG ({@link #toSvg()}) or PNG ({@link #toPng(double)}).
 * Axis ranges not given explicitly are derived from the marks (log axes snap to whole decades).
 */
public final class Chart {
    private static final double TICK_FONT = 11;
    private static final double TITLE_FONT = 14;
    private static final double AXIS_FONT = 12;

    private final double width;
    private final double height;
    private String title = "";
    private String xTitle = "";
    private String yTitle = "";
    private boolean logX;
    private boolean logY;
    private double[] xRange;
    private double[] yRange;
    private List<Tick> xTicks;
    private boolean legendLeft;
    private boolean legendAbove;
    private ColorBar colorBar;
    private final List<Mark> marks = new ArrayList<>();

    /** A colour bar beside the plot: label and the value range mapped onto viridis. */
    public record ColorBar(String label, double min, double max) {
    }

    public Chart(double width, double height) {
        this.width = width;
        this.height = height;
    }

    public Chart title(String t) {
        title = t;
        return this;
    }

    public Chart xTitle(String t) {
        xTitle = t;
        return this;
    }

    public Chart yTitle(String t) {
        yTitle = t;
        return this;
    }

    public Chart logX() {
        logX = true;
        return this;
    }

    public Chart logY() {
        logY = true;
        return this;
    }

    public Chart xRange(double min, double max) {
        xRange = new double[]{min, max};
        return this;
    }

    public Chart yRange(double min, double max) {
        yRange = new double[]{min, max};
        return this;
    }

    /** Replaces the automatic x ticks (e.g. layer indices on a categorical axis). */
    public Chart xTicks(List<Tick> ticks) {
        xTicks = List.copyOf(ticks);
        return this;
    }

    public Chart legendTopLeft() {
        legendLeft = true;
        return this;
    }

    /** Puts the legend in rows above the plot instead of inside it (for small charts where it would hide data). */
    public Chart legendAbove() {
        legendAbove = true;
        return this;
    }

    public Chart colorBar(String label, double min, double max) {
        colorBar = new ColorBar(label, min, max);
        return this;
    }

    public Chart add(Mark m) {
        marks.add(m);
        return this;
    }

    public String toSvg() {
        return SvgCanvas.render(width, height, title.isEmpty() ? yTitle + " vs " + xTitle : title, this::draw);
    }

    public byte[] toPng(double scale) {
        return PngCanvas.render(width, height, scale, this::draw);
    }

    /** The scales and plotting rectangle this chart will use (exposed so tests can check placement). */
    public Frame frame() {
        Extent e = new Extent(logX, logY);
        for (Mark m : marks) {
            m.extent(e);
        }
        Scale xs = scale(logX, xRange, e.xMin, e.xMax);
        Scale ys = scale(logY, yRange, e.yMin, e.yMax);
        double labelW = 0;
        for (Tick t : ys.ticks()) {
            labelW = Math.max(labelW, textWidth(t.label(), TICK_FONT));
        }
        double left = 14 + labelW + (yTitle.isEmpty() ? 0 : AXIS_FONT + 10);
        double top = (title.isEmpty() ? 12 : TITLE_FONT + 20) + (legendAbove ? legendRows().size() * 16 + 4 : 0);
        double right = colorBar == null ? 18 : 84;
        double bottom = 26 + (xTitle.isEmpty() ? 0 : AXIS_FONT + 10);
        return new Frame(left, top, width - left - right, height - top - bottom, xs, ys);
    }

    private static Scale scale(boolean log, double[] given, double lo, double hi) {
        if (given != null) {
            return log ? new LogScale(given[0], given[1]) : new LinearScale(given[0], given[1]);
        }
        return log ? LogScale.covering(lo, hi) : LinearScale.covering(lo, hi);
    }

    private void draw(Canvas c) {
        Frame f = frame();
        if (!title.isEmpty()) {
            c.text(f.left(), TITLE_FONT + 6, title, TextStyle.of(TITLE_FONT, "start").asBold());
        }
        c.beginGroup("axes");
        // grid lines and ticks are collected into one path per style: far fewer SVG elements
        Segments grid = new Segments();
        Segments minorGrid = new Segments();
        Segments ticks = new Segments();
        List<Tick> xt = xTicks != null ? xTicks : f.x().ticks();
        for (Tick t : xt) {
            double px = f.px(t.value());
            if (Double.isNaN(px) || px < f.left() - 0.5 || px > f.right() + 0.5) {
                continue;
            }
            (t.major() ? grid : minorGrid).add(px, f.top(), px, f.bottom());
            ticks.add(px, f.bottom(), px, f.bottom() + (t.major() ? 5 : 3));
            if (!t.label().isEmpty()) {
                c.text(px, f.bottom() + 17, t.label(), TextStyle.of(TICK_FONT, "middle").colored(Palette.MUTED));
            }
        }
        for (Tick t : f.y().ticks()) {
            double py = f.py(t.value());
            if (Double.isNaN(py) || py < f.top() - 0.5 || py > f.bottom() + 0.5) {
                continue;
            }
            (t.major() ? grid : minorGrid).add(f.left(), py, f.right(), py);
            ticks.add(f.left() - (t.major() ? 5 : 3), py, f.left(), py);
            if (!t.label().isEmpty()) {
                c.text(f.left() - 8, py + 4, t.label(), TextStyle.of(TICK_FONT, "end").colored(Palette.MUTED));
            }
        }
        minorGrid.draw(c, Style.stroke(Palette.GRID, 0.6).withDash("2 3"));
        grid.draw(c, Style.stroke(Palette.GRID, 1));
        ticks.draw(c, Style.stroke(Palette.AXIS, 1));
        c.line(f.left(), f.bottom(), f.right(), f.bottom(), Style.stroke(Palette.AXIS, 1));
        c.line(f.left(), f.top(), f.left(), f.bottom(), Style.stroke(Palette.AXIS, 1));
        if (!xTitle.isEmpty()) {
            c.text(f.left() + f.width() / 2, height - 8, xTitle, TextStyle.of(AXIS_FONT, "middle"));
        }
        if (!yTitle.isEmpty()) {
            c.text(AXIS_FONT + 2, f.top() + f.height() / 2, yTitle, TextStyle.of(AXIS_FONT, "middle").rotated(-90));
        }
        c.endGroup();
        c.beginClip(f.left(), f.top(), f.width(), f.height());
        c.beginGroup("marks");
        for (Mark m : marks) {
            m.draw(f, c);
        }
        c.endGroup();
        c.endClip();
        drawLegend(f, c);
        if (colorBar != null) {
            drawColorBar(f, c);
        }
    }

    private List<LegendEntry> legendEntries() {
        List<LegendEntry> entries = new ArrayList<>();
        for (Mark m : marks) {
            entries.addAll(m.legend());
        }
        return entries;
    }

    /** Legend entries flowed into rows that fit the chart width (for {@link #legendAbove()}). */
    private List<List<LegendEntry>> legendRows() {
        List<List<LegendEntry>> rows = new ArrayList<>();
        double x = width;
        for (LegendEntry e : legendEntries()) {
            double w = textWidth(e.label(), TICK_FONT) + 40;
            if (rows.isEmpty() || x + w > width - 12) {
                rows.add(new ArrayList<>());
                x = 40;
            }
            rows.getLast().add(e);
            x += w;
        }
        return rows;
    }

    private void swatch(Canvas c, LegendEntry e, double x, double cy) {
        Style s = e.style();
        switch (e.swatch()) {
            case LINE -> c.line(x + 8, cy - 4, x + 28, cy - 4, s);
            case POINT -> c.circle(x + 18, cy - 4, 3.5, s, null);
            case BOX -> c.rect(x + 10, cy - 10, 16, 11, s.fill() == null ? s : s.withStroke(s.fill(), 0.8), null);
        }
        c.text(x + 34, cy, e.label(), TextStyle.of(TICK_FONT, "start"));
    }

    private void drawLegend(Frame f, Canvas c) {
        List<LegendEntry> entries = legendEntries();
        if (entries.isEmpty()) {
            return;
        }
        if (legendAbove) {
            c.beginGroup("legend");
            List<List<LegendEntry>> rows = legendRows();
            double cy = f.top() - rows.size() * 16 + 6;
            for (List<LegendEntry> row : rows) {
                double x = f.left() - 8;
                for (LegendEntry e : row) {
                    swatch(c, e, x, cy);
                    x += textWidth(e.label(), TICK_FONT) + 40;
                }
                cy += 16;
            }
            c.endGroup();
            return;
        }
        double w = 0;
        for (LegendEntry e : entries) {
            w = Math.max(w, textWidth(e.label(), TICK_FONT));
        }
        w += 38;
        double h = entries.size() * 17 + 8;
        double x = legendLeft ? f.left() + 8 : f.right() - w - 8;
        double y = f.top() + 8;
        c.beginGroup("legend");
        c.rect(x, y, w, h, new Style("#ffffff", Palette.GRID, 1, 0.92, null), null);
        for (int i = 0; i < entries.size(); i++) {
            swatch(c, entries.get(i), x, y + 13 + i * 17);
        }
        c.endGroup();
    }

    private void drawColorBar(Frame f, Canvas c) {
        double x = f.right() + 14;
        int steps = 64;
        double step = f.height() / steps;
        for (int i = 0; i < steps; i++) {
            c.rect(x, f.bottom() - (i + 1) * step, 14, step + 0.5, Style.fill(Palette.viridis((i + 0.5) / steps)), null);
        }
        LinearScale s = new LinearScale(colorBar.min(), colorBar.max() > colorBar.min() ? colorBar.max()
                : colorBar.min() + 1);
        for (Tick t : s.ticks()) {
            double py = f.bottom() - s.fraction(t.value()) * f.height();
            c.line(x + 14, py, x + 18, py, Style.stroke(Palette.AXIS, 1));
            c.text(x + 21, py + 4, t.label(), TextStyle.of(10, "start").colored(Palette.MUTED));
        }
        c.text(x + 7, f.top() - 6, colorBar.label(), TextStyle.of(10, "middle").colored(Palette.MUTED));
    }

    /** Line segments drawn as one polyline broken by NaN. */
    private static final class Segments {
        private final List<double[]> segs = new ArrayList<>();

        void add(double x1, double y1, double x2, double y2) {
            segs.add(new double[]{x1, y1, x2, y2});
        }

        void draw(Canvas c, Style style) {
            if (segs.isEmpty()) {
                return;
            }
            double[] xs = new double[segs.size() * 3];
            double[] ys = new double[xs.length];
            for (int i = 0; i < segs.size(); i++) {
                double[] s = segs.get(i);
                xs[3 * i] = s[0];
                ys[3 * i] = s[1];
                xs[3 * i + 1] = s[2];
                ys[3 * i + 1] = s[3];
                xs[3 * i + 2] = Double.NaN;
                ys[3 * i + 2] = Double.NaN;
            }
            c.polyline(xs, ys, style);
        }
    }

    /** Rough width of a text in the sans-serif fonts used (0.6 em per glyph), for layout only. */
    static double textWidth(String s, double size) {
        return s.length() * size * 0.6;
    }
}
