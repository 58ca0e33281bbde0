package dev.loupe.report.plot;

/**
 * How a shape is painted. Colours are CSS hex strings ("#1f77b4") or null for none.
 *
 * @param fill        fill colour or null
 * @param stroke      stroke colour or null
 * @param strokeWidth stroke width in px
 * @param opacity     overall opacity 0..1
 * @param dash        dash pattern in px ("5 3"), or null for solid
 */
public record Style(String fill, String stroke, double strokeWidth, double opacity, String dash) {
    public static Style fill(String color) {
        return new Style(color, null, 0, 1, null);
    }

    public static Style stroke(String color, double width) {
        return new Style(null, color, width, 1, null);
    }

    public Style withOpacity(double o) {
        return new Style(fill, stroke, strokeWidth, o, dash);
    }

    public Style withDash(String d) {
        return new Style(fill, stroke, strokeWidth, opacity, d);
    }

    public Style withStroke(String color, double width) {
        return new Style(fill, color, width, opacity, dash);
    }
}
