package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.sketch.Vectors;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Hutchinson's trace estimator tr(H) ≈ mean of vᵀHv over Rademacher v (PyHessian's
 * {@code hessian.trace}: maxIter 100, stop when the running mean changes by less than tol relative).
 * Each vᵀHv is an unbiased sample, so the 95% confidence interval is mean ± 1.96·sd/√n.
 */
public final class Hutchinson {
    private Hutchinson() {
    }

    /** @param halfWidth95 half-width of the 95% confidence interval (NaN with fewer than 2 samples) */
    public record Result(double trace, double halfWidth95, int samples) {
        static final Result NONE = new Result(Double.NaN, Double.NaN, 0);
    }

    public static Result trace(HessianVectorProduct h, int maxIter, double tol, long seed, Progress progress) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double sum = 0, sumSq = 0, prevMean = Double.NaN;
        int n = 0;
        progress.start("Hessian trace", maxIter);
        try {
            boolean stop = false;
            while (n < maxIter && !stop) {
                // h.batch() samples per pass, drawn in the order one at a time would draw them; the stopping rule still
                // looks at each sample in turn, so the trace is the one-at-a-time estimate (the rest of a pass unused)
                List<double[]> vs = new ArrayList<>();
                for (int j = 0; j < Math.min(h.batch(), maxIter - n); j++) {
                    vs.add(Vectors.rademacher(h.dimension(), rnd));
                }
                List<double[]> hv = h.applyAll(vs);
                for (int j = 0; j < vs.size() && !stop; j++) {
                    double s = Vectors.dot(vs.get(j), hv.get(j));
                    n++;
                    progress.advance(1);
                    sum += s;
                    sumSq += s * s;
                    double mean = sum / n;
                    // PyHessian's rule, but never stop before 10 samples so the interval means something
                    stop = n >= 10 && Math.abs(mean - prevMean) / (Math.abs(prevMean) + 1e-6) < tol;
                    prevMean = mean;
                }
            }
        } finally {
            progress.done();
        }
        double mean = sum / n;
        double var = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : Double.NaN;
        return new Result(mean, n > 1 ? 1.96 * Math.sqrt(var / n) : Double.NaN, n);
    }
}
