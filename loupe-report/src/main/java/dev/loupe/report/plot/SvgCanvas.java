package dev.loupe.report.plot;

import dev.loupe.report.html.Html;

import java.util.Locale;

/**
 * Writes the primitives as compact SVG 1.1 text. Every string that reaches the output (labels,
 * tooltips) is XML-escaped; coordinates are rounded to 0.01 px to keep files small.
 */
public final class SvgCanvas implements Canvas {
    static final String FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif";
    private static final java.util.concurrent.atomic.AtomicLong CLIP_IDS = new java.util.concurrent.atomic.AtomicLong();
    private final StringBuilder out = new StringBuilder(16_384);
    private final double width;
    private final double height;

    public SvgCanvas(double width, double height, String ariaLabel) {
        this.width = width;
        this.height = height;
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 ")
                .append(n(width)).append(' ').append(n(height)).append("\" width=\"").append(n(width))
                .append("\" height=\"").append(n(height)).append("\" role=\"img\" aria-label=\"")
                .append(Html.escape(ariaLabel)).append("\" font-family=\"").append(Html.escape(FONT)).append("\">");
        rect(0, 0, width, height, Style.fill("#ffffff"), null);
    }

    /** Draws a figure of this size with {@code painter} and returns the finished SVG document. */
    static String render(double width, double height, String ariaLabel, java.util.function.Consumer<Canvas> painter) {
        SvgCanvas c = new SvgCanvas(width, height, ariaLabel);
        painter.accept(c);
        return c.finish();
    }

    public double width() {
        return width;
    }

    public double height() {
        return height;
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, Style style) {
        out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append('"');
        style(new Style(null, style.stroke(), style.strokeWidth(), style.opacity(), style.dash()), false);
        out.append("/>");
    }

    @Override
    public void polyline(double[] xs, double[] ys, Style style) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(xs[i]) || Double.isNaN(ys[i])) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M').append(n(xs[i])).append(',').append(n(ys[i]));
            pen = true;
        }
        if (d.isEmpty()) {
            return;
        }
        out.append("<path d=\"").append(d).append('"');
        style(new Style(null, style.stroke(), style.strokeWidth(), style.opacity(), style.dash()), true);
        out.append(" stroke-linejoin=\"round\"/>");
    }

    @Override
    public void polygon(double[] xs, double[] ys, Style style, String tooltip) {
        out.append("<polygon points=\"");
        for (int i = 0; i < xs.length; i++) {
            out.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
        }
        out.append('"');
        style(style);
        close("polygon", tooltip);
    }

    @Override
    public void rect(double x, double y, double w, double h, Style style, String tooltip) {
        out.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"")
                .append(n(Math.max(0, w))).append("\" height=\"").append(n(Math.max(0, h))).append('"');
        style(style);
        close("rect", tooltip);
    }

    @Override
    public void circle(double cx, double cy, double r, Style style, String tooltip) {
        out.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"").append(n(r))
                .append('"');
        style(style);
        close("circle", tooltip);
    }

    @Override
    public void text(double x, double y, String text, TextStyle s) {
        out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"")
                .append(n(s.size())).append('"');
        if (!"start".equals(s.anchor())) {
            out.append(" text-anchor=\"").append(s.anchor()).append('"');
        }
        if (s.bold()) {
            out.append(" font-weight=\"600\"");
        }
        out.append(" fill=\"").append(s.color()).append('"');
        if (s.rotate() != 0) {
            out.append(" transform=\"rotate(").append(n(s.rotate())).append(' ').append(n(x)).append(' ')
                    .append(n(y)).append(")\"");
        }
        out.append('>').append(Html.escape(text)).append("</text>");
    }

    @Override
    public void beginClip(double x, double y, double w, double h) {
        // ids must be unique in the whole HTML page, where many SVGs are inlined side by side
        String id = "clip" + CLIP_IDS.incrementAndGet();
        out.append("<clipPath id=\"").append(id).append("\"><rect x=\"").append(n(x)).append("\" y=\"").append(n(y))
                .append("\" width=\"").append(n(w)).append("\" height=\"").append(n(h))
                .append("\"/></clipPath><g clip-path=\"url(#").append(id).append(")\">");
    }

    @Override
    public void endClip() {
        out.append("</g>");
    }

    @Override
    public void beginGroup(String cssClass) {
        out.append("<g class=\"").append(Html.escape(cssClass)).append("\">");
    }

    @Override
    public void endGroup() {
        out.append("</g>");
    }

    /** The finished document. */
    public String finish() {
        return out + "</svg>";
    }

    private void close(String tag, String tooltip) {
        if (tooltip == null) {
            out.append("/>");
        } else {
            out.append("><title>").append(Html.escape(tooltip)).append("</title></").append(tag).append('>');
        }
    }

    private void style(Style s) {
        style(s, true);
    }

    /** {@code fillAttr} false for lines, which have no interior (saves bytes in grid-heavy plots). */
    private void style(Style s, boolean fillAttr) {
        if (fillAttr) {
            out.append(" fill=\"").append(s.fill() == null ? "none" : s.fill()).append('"');
        }
        if (s.stroke() != null) {
            out.append(" stroke=\"").append(s.stroke()).append("\" stroke-width=\"").append(n(s.strokeWidth()))
                    .append('"');
        }
        if (s.dash() != null) {
            out.append(" stroke-dasharray=\"").append(s.dash()).append('"');
        }
        if (s.opacity() < 1) {
            out.append(" opacity=\"").append(n(s.opacity())).append('"');
        }
    }

    static String n(double v) {
        double r = Math.round(v * 100) / 100.0;
        if (r == Math.rint(r) && Math.abs(r) < 1e15) {
            return Long.toString((long) r);
        }
        return String.format(Locale.ROOT, "%.2f", r).replaceAll("0+$", "");
    }
}
