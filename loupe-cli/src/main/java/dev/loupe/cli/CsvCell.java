package dev.loupe.cli;

/**
 * One CSV cell rule for every command that prints CSV: null and NaN are empty cells; a value holding a comma,
 * quote or newline is quoted with inner quotes doubled (RFC 4180); floats are Double.toString (round-trip).
 */
public final class CsvCell {
    private CsvCell() {
    }

    public static String of(Object v) {
        if (v == null || v instanceof Double d && Double.isNaN(d)) {
            return "";
        }
        return quoted(v.toString());
    }

    public static String quoted(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
