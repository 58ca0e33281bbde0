package dev.loupe.cli.landscape;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.direction.Directions;
import dev.loupe.landscape.direction.HessianDirections;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;

import java.util.ArrayList;
import java.util.List;

/** Picks n directions for a plane or sample: random filter-normalized (seeds seed, seed+1, …) or top Hessian eigenvectors. */
public final class SliceDirections {
    enum Kind { random, hessian }

    private SliceDirections() {
    }

    record Chosen(String description, List<float[]> directions) {
    }

    static Chosen pick(Kind kind, int n, ParameterizedModel m, Samples data, ModelDataOptions in, Progress progress) {
        if (kind == Kind.hessian) {
            HessianDirections.Top top = HessianDirections.top(m, data, in.loss(), n, in.batch(), 100, 1e-3, in.seed, progress);
            return new Chosen("hessian top-" + n + " eigenvectors " + java.util.Arrays.toString(top.eigenvalues()), top.directions());
        }
        List<float[]> dirs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            dirs.add(Directions.filterNormalized(m.layout(), m.theta0(), in.seed + k));
        }
        return new Chosen("random filter-normalized (Li et al.), seeds " + in.seed + ".." + (in.seed + n - 1), dirs);
    }
}
