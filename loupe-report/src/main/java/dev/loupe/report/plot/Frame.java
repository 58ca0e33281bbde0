package dev.loupe.report.plot;

/**
 * The plotting rectangle in pixels and the two scales: converts data coordinates to pixels.
 * Values a scale cannot place (≤ 0 on a log axis, NaN) map to NaN, which breaks lines.
 */
public record Frame(double left, double top, double width, double height, Scale x, Scale y) {
    public double px(double v) {
        return x.accepts(v) ? left + x.fraction(v) * width : Double.NaN;
    }

    public double py(double v) {
        return y.accepts(v) ? top + (1 - y.fraction(v)) * height : Double.NaN;
    }

    public double right() {
        return left + width;
    }

    public double bottom() {
        return top + height;
    }
}
