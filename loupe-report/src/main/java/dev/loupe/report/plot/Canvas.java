package dev.loupe.report.plot;

/**
 * The handful of drawing primitives a chart needs, in pixel coordinates (y down). One chart drawing
 * serves both outputs: {@link SvgCanvas} writes SVG text, {@link PngCanvas} paints with Java2D.
 * A {@code tooltip} (may be null) is shown on hover in SVG and ignored in PNG.
 */
public interface Canvas {
    void line(double x1, double y1, double x2, double y2, Style style);

    /** An open polyline through the points (NaN coordinates break the line into pieces). */
    void polyline(double[] xs, double[] ys, Style style);

    /** A closed polygon. */
    void polygon(double[] xs, double[] ys, Style style, String tooltip);

    void rect(double x, double y, double w, double h, Style style, String tooltip);

    void circle(double cx, double cy, double r, Style style, String tooltip);

    /** Text whose baseline starts/centres/ends (per {@link TextStyle#anchor()}) at (x, y). */
    void text(double x, double y, String text, TextStyle style);

    /** Restricts drawing to a rectangle until {@link #endClip()}. */
    void beginClip(double x, double y, double w, double h);

    void endClip();

    /** Starts a named group (an SVG {@code <g class=...>}; a no-op for raster output). */
    default void beginGroup(String cssClass) {
    }

    default void endGroup() {
    }
}
