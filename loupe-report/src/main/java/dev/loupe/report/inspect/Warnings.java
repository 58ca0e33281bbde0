package dev.loupe.report.inspect;

import dev.loupe.report.plot.Palette;
import dev.loupe.spectral.result.Warning;

/** The colour and wording of each layer warning, shared by the charts and the table. */
final class Warnings {
    private Warnings() {
    }

    static String color(Warning warning) {
        return switch (warning) {
            case OVER_TRAINED -> Palette.RED;
            case UNDER_TRAINED -> Palette.ORANGE;
            case FIT_FAILED, TOO_FEW_EIGENVALUES -> Palette.GREY;
            case NONE -> Palette.BLUE;
        };
    }

    static String label(Warning warning) {
        return switch (warning) {
            case NONE -> "ok (2 ≤ α ≤ 6)";
            case OVER_TRAINED -> "over-trained (α < 2)";
            case UNDER_TRAINED -> "under-trained (α > 6)";
            case FIT_FAILED -> "fit failed";
            case TOO_FEW_EIGENVALUES -> "too few eigenvalues (< " + Warning.MIN_EIGENVALUES + ") to judge";
        };
    }

    /** CSS class of a table cell. */
    static String css(Warning warning) {
        return switch (warning) {
            case OVER_TRAINED -> "bad";
            case UNDER_TRAINED -> "warn";
            case FIT_FAILED, TOO_FEW_EIGENVALUES -> "muted";
            case NONE -> "";
        };
    }
}
