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

    /**
     * {@code grid} with each anchor inside its range added where no point lies within 1e-9 of it, sorted: a line
     * between two checkpoints always evaluates both (α = 0 and 1), which an even grid such as 51 points over
     * [−0.5, 1.5] (step 0.04) misses.
     */
    public static double[] including(double[] grid, double... anchors) {
        java.util.TreeSet<Double> v = new java.util.TreeSet<>();
        for (double g : grid) {
            v.add(g);
        }
        for (double a : anchors) {
            boolean inside = a >= grid[0] && a <= grid[grid.length - 1];
            if (inside && v.stream().noneMatch(g -> Math.abs(g - a) <= 1e-9)) {
                v.add(a);
            }
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
