package dev.loupe.report.inspect;

import dev.loupe.report.plot.Palette;

/** The colour and wording of each layer warning, shared by the charts and the table. */
final class Warnings {
    private Warnings() {
    }

    static String color(String warning) {
        return switch (warning == null ? "" : warning) {
            case "over-trained" -> Palette.RED;
            case "under-trained" -> Palette.ORANGE;
            case "fit-failed" -> Palette.GREY;
            default -> Palette.BLUE;
        };
    }

    static String label(String warning) {
        return warning == null || warning.isEmpty() ? "ok (2 ≤ α ≤ 6)" : switch (warning) {
            case "over-trained" -> "over-trained (α < 2)";
            case "under-trained" -> "under-trained (α > 6)";
            case "fit-failed" -> "fit failed";
            default -> warning;
        };
    }

    /** CSS class of a table cell. */
    static String css(String warning) {
        return switch (warning == null ? "" : warning) {
            case "over-trained" -> "bad";
            case "under-trained" -> "warn";
            case "fit-failed" -> "muted";
            default -> "";
        };
    }
}
