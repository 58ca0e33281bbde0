package dev.loupe.cli.landscape;

import dev.loupe.core.LoupeException;

/** Parses "MIN:MAX" options. */
public final class Ranges {
    private Ranges() {
    }

    static double[] parse(String option, String text) {
        String[] p = text.split(":");
        try {
            if (p.length == 2) {
                double lo = Double.parseDouble(p[0]), hi = Double.parseDouble(p[1]);
                if (Double.isFinite(lo) && Double.isFinite(hi) && hi > lo) {
                    return new double[]{lo, hi};
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new LoupeException(option + " must be MIN:MAX with MIN < MAX, got '" + text + "'");
    }
}
