package dev.loupe.report.plot;

import java.util.Locale;

/** Colours shared by the plots and the page: a colour-blind-safe categorical set and a viridis ramp. */
public final class Palette {
    public static final String TEXT = "#1f2933";
    public static final String MUTED = "#616e7c";
    public static final String GRID = "#e4e7eb";
    public static final String AXIS = "#9aa5b1";
    public static final String BLUE = "#2b6cb0";
    public static final String ORANGE = "#dd6b20";
    public static final String RED = "#c53030";
    public static final String GREEN = "#2f855a";
    public static final String PURPLE = "#6b46c1";
    public static final String GREY = "#a0aec0";
    public static final String TEAL = "#0b7285";

    /** Okabe–Ito-like categorical colours, readable for common colour-vision deficiencies. */
    public static final String[] CATEGORICAL = {"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
            "#f0e442", "#000000"};

    // viridis sampled at 9 points (matplotlib's table), linearly interpolated in between
    private static final int[][] VIRIDIS = {{68, 1, 84}, {71, 44, 122}, {59, 81, 139}, {44, 113, 142},
            {33, 144, 141}, {39, 173, 129}, {92, 200, 99}, {170, 220, 50}, {253, 231, 37}};

    private Palette() {
    }

    /** The viridis colour at {@code t} in [0, 1] (clamped). */
    public static String viridis(double t) {
        double c = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min((int) c, VIRIDIS.length - 2);
        double f = c - i;
        int r = (int) Math.round(VIRIDIS[i][0] + f * (VIRIDIS[i + 1][0] - VIRIDIS[i][0]));
        int g = (int) Math.round(VIRIDIS[i][1] + f * (VIRIDIS[i + 1][1] - VIRIDIS[i][1]));
        int b = (int) Math.round(VIRIDIS[i][2] + f * (VIRIDIS[i + 1][2] - VIRIDIS[i][2]));
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }
}
