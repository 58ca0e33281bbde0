package dev.loupe.landscape.direction;

import dev.loupe.core.LoupeException;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.result.PathPoint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two directions of a plane that other checkpoints define, with those checkpoints' places on it and the
 * default ranges that show them (Li et al., arXiv 1712.09913: the plane through three models; the PCA plane of
 * a training trajectory).
 *
 * @param description how d₁, d₂ were made, for the output
 * @param d1          first direction
 * @param d2          second direction
 * @param path        the checkpoints on the plane
 * @param xRange      default x range covering them
 * @param yRange      default y range covering them
 */
public record PlaneDirections(String description, float[] d1, float[] d2, List<PathPoint> path, double[] xRange,
                              double[] yRange) {
    /** Margin around the checkpoints, as a fraction of their spread (at least 0.5 in the through-plane). */
    private static final double MARGIN = 0.25;

    /** The plane through the model θ₀ (at (0,0)), B (at (1,0)) and C (at (0,1)): d₁ = B − θ₀, d₂ = C − θ₀. */
    public static PlaneDirections through(ParameterizedModel m, Path b, Path c) {
        float[] d1 = Directions.between(m.theta0(), thetaOf(m, b));
        float[] d2 = Directions.between(m.theta0(), thetaOf(m, c));
        List<PathPoint> path = List.of(new PathPoint(name(m.file()), 0, 0), new PathPoint(name(b), 1, 0),
                new PathPoint(name(c), 0, 1));
        return new PlaneDirections("through " + name(m.file()) + " (0,0), " + name(b) + " (1,0), " + name(c) + " (0,1)",
                d1, d2, path, new double[]{-0.5, 1.5}, new double[]{-0.5, 1.5});
    }

    /** Li et al.'s PCA plane of a trajectory ending at the model; the checkpoints projected onto it. */
    public static PlaneDirections pca(ParameterizedModel m, List<Path> trajectory) {
        List<float[]> thetas = new ArrayList<>();
        for (Path p : trajectory) {
            thetas.add(thetaOf(m, p));
        }
        TrajectoryPca pca = TrajectoryPca.of(m.layout(), m.theta0(), thetas);
        List<PathPoint> path = new ArrayList<>();
        for (int i = 0; i < trajectory.size(); i++) {
            path.add(new PathPoint(name(trajectory.get(i)), pca.x()[i], pca.y()[i]));
        }
        path.add(new PathPoint(name(m.file()), 0, 0));
        String d = String.format(java.util.Locale.ROOT, "pca of a %d-checkpoint trajectory (explained variance %.1f%%, %.1f%%)",
                trajectory.size(), 100 * pca.explained()[0], 100 * pca.explained()[1]);
        return new PlaneDirections(d, pca.d1(), pca.d2(), path, cover(path, true), cover(path, false));
    }

    /** Directions saved earlier with {@link DirectionFile}. */
    public static PlaneDirections file(ParameterizedModel m, Path file) {
        List<float[]> d = DirectionFile.read(file, m.layout(), 2);
        return new PlaneDirections("from " + file, d.get(0), d.get(1), List.of(), new double[]{-1, 1}, new double[]{-1, 1});
    }

    /** The weights of another checkpoint of the same architecture, in {@code m}'s layout. */
    public static float[] thetaOf(ParameterizedModel m, Path other) {
        try (ParameterizedModel o = ParameterizedModel.open(other, m.layout().names()::contains)) {
            if (!o.layout().names().equals(m.layout().names())) {
                throw new LoupeException(other, "does not have the same weights as " + m.file());
            }
            return o.theta0();
        }
    }

    private static double[] cover(List<PathPoint> path, boolean x) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (PathPoint p : path) {
            double v = x ? p.x() : p.y();
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double pad = Math.max(MARGIN * (hi - lo), 1e-6);
        return new double[]{lo - pad, hi + pad};
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }
}
