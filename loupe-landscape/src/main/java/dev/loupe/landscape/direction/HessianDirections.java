package dev.loupe.landscape.direction;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.hessian.ExactHvp;
import dev.loupe.landscape.hessian.LanczosEigen;
import dev.loupe.landscape.hessian.TopEigen;

import java.util.ArrayList;
import java.util.List;

/**
 * The top-n Hessian eigenvectors (unit norm) as directions, the subspace Landscaper samples in.
 * Needs gradients, so only models whose ops {@code grad} supports.
 */
public final class HessianDirections {
    private HessianDirections() {
    }

    /** Eigenvalues and their unit eigenvectors as float directions. */
    public record Top(double[] eigenvalues, List<float[]> directions) {
    }

    public static Top top(ParameterizedModel m, Samples data, LossKind kind, int n, int batch, int maxIter, double tol,
                          long seed, Progress progress) {
        try (GradientEvaluator g = GradientEvaluator.atPoint(m, data, kind, batch, Runtime.getRuntime().availableProcessors(), m.theta0(), null)) {
            TopEigen r = LanczosEigen.top(new ExactHvp(g, m.theta0()), n, maxIter, tol, seed, progress);
            List<float[]> dirs = new ArrayList<>();
            for (double[] v : r.eigenvectors()) {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                dirs.add(f);
            }
            return new Top(r.eigenvalues(), dirs);
        }
    }
}
