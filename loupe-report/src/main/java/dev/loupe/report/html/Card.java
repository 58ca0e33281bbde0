package dev.loupe.report.html;

/**
 * A summary card: a small label, a big value and an optional note underneath.
 *
 * @param label what the value is
 * @param value the value as displayed
 * @param note  small print under the value, or empty
 * @param tone  "", "good", "warn" or "bad": colours the value
 */
public record Card(String label, String value, String note, String tone) {
    public static Card of(String label, String value) {
        return new Card(label, value, "", "");
    }
}
