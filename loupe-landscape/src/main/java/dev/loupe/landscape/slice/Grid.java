package dev.loupe.landscape.slice;

import dev.loupe.core.LoupeException;

/** Evenly spaced coordinates, both ends included (numpy's linspace). */
public final class Grid {
    private Grid() {
    }

    public static double[] linspace(double min, double max, int n) {
        if (n < 1 || !(max >= min) || !Double.isFinite(min) || !Double.isFinite(max)) {
            throw new LoupeException("invalid range [" + min + ", " + max + "] with " + n + " points");
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = n == 1 ? min : min + (max - min) * i / (n - 1);
        }
        return v;
    }
}
