package dev.loupe.landscape.result;

import java.util.List;

/**
 * Loss on the plane θ(x, y) = θ₀ + x·d₁ + y·d₂; {@code loss[j][i]} is at (x[i], y[j]).
 *
 * @param directions how d₁, d₂ were made ("random filter-normalized", "hessian top-2", "pca of a trajectory")
 * @param path       checkpoints placed on the plane (a training trajectory, the three checkpoints it passes
 *                   through), in order; empty for a plane around one model
 */
public record PlaneResult(String model, String directions, int samples, long seed, double[] x, double[] y,
                          double[][] loss, double[][] accuracy, List<PathPoint> path) {
    public PlaneResult {
        path = List.copyOf(path);
    }

    /** A plane around one model, with nothing drawn on it. */
    public PlaneResult(String model, String directions, int samples, long seed, double[] x, double[] y,
                       double[][] loss, double[][] accuracy) {
        this(model, directions, samples, seed, x, y, loss, accuracy, List.of());
    }
}
