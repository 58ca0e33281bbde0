package dev.loupe.landscape.result;

/**
 * Loss on the plane θ(x, y) = θ₀ + x·d₁ + y·d₂; {@code loss[j][i]} is at (x[i], y[j]).
 *
 * @param directions how d₁, d₂ were made ("random filter-normalized", "hessian top-2")
 */
public record PlaneResult(String model, String directions, int samples, long seed, double[] x, double[] y,
                          double[][] loss, double[][] accuracy) {
}
