package dev.loupe.report.plot;

import java.util.Locale;

/** Tick arithmetic and number formatting for axis labels. */
public final class Ticks {
    private static final String SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    private Ticks() {
    }

    /** The "nice" step (1, 2, 2.5 or 5 × 10^k) nearest above {@code raw}. */
    public static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * p;
    }

    /** "10" with a superscript exponent, e.g. 10⁻³. */
    public static String power10(int exponent) {
        StringBuilder b = new StringBuilder("10");
        String digits = Integer.toString(Math.abs(exponent));
        if (exponent < 0) {
            b.append('⁻');
        }
        for (char c : digits.toCharArray()) {
            b.append(SUPERSCRIPTS.charAt(c - '0'));
        }
        return b.toString();
    }

    /** A label for {@code v} with as many decimals as the tick spacing {@code step} needs. */
    public static String format(double v, double step) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.1e", v).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(Math.abs(step)) - 1e-9));
        double scaled = Math.abs(step) * Math.pow(10, decimals);
        if (Math.abs(scaled - Math.rint(scaled)) > 1e-6 && decimals < 6) {
            decimals++; // steps like 2.5 need one more digit
        }
        return String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
    }

    /** A compact human number for tooltips and tables: 3 significant digits, no exponent for normal sizes. */
    public static String compact(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        String s = String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
        return s;
    }
}
