package dev.loupe.report.plot;

/** One legend line: a swatch drawn like the mark it names, and the label. */
public record LegendEntry(String label, Swatch swatch, Style style) {
    /** How the swatch looks. */
    public enum Swatch { LINE, POINT, BOX }
}
