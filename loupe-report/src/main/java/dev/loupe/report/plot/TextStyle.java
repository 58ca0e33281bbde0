package dev.loupe.report.plot;

/**
 * How a text is set.
 *
 * @param size   font size in px
 * @param anchor "start", "middle" or "end" (horizontal alignment at the given point)
 * @param color  CSS hex colour
 * @param bold   bold weight
 * @param rotate rotation in degrees (−90 for a y-axis title)
 */
public record TextStyle(double size, String anchor, String color, boolean bold, double rotate) {
    public static TextStyle of(double size, String anchor) {
        return new TextStyle(size, anchor, Palette.TEXT, false, 0);
    }

    public TextStyle asBold() {
        return new TextStyle(size, anchor, color, true, rotate);
    }

    public TextStyle rotated(double degrees) {
        return new TextStyle(size, anchor, color, bold, degrees);
    }

    public TextStyle colored(String c) {
        return new TextStyle(size, anchor, c, bold, rotate);
    }
}
