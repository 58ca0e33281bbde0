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
    /** Samples before the stopping rule may stop (PyHessian has none; 10 so that the interval means something). */
    static final int MIN_SAMPLES = 10;

    private Hutchinson() {
    }

    /** Samples certain to be taken: all of {@code maxIter} without a tolerance, else the first {@link #MIN_SAMPLES}. */
    static int certain(int maxIter, double tol) {
        return tol > 0 ? Math.min(maxIter, MIN_SAMPLES) : maxIter;
    }

    /**
     * Samples in the next pass of {@code k} directions with {@code left} more certain to be taken: a whole pass, or
     * the rest in one pass where they fill more than half of it (a pass of k costs that of about k/2 single products
     * or more: 4.2 on the fixture CNN in runs of 8 by CPU at 2 threads), else one.
     */
    static int pass(int k, int left) {
        return left >= k ? k : 2 * left > k ? left : 1;
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
            int certain = certain(maxIter, tol);
            while (n < maxIter && !stop) {
                // passes sized to the stopping rule: only samples certain to be taken go in a pass, so no product is
                // computed that the estimate does not use; drawn in the order one at a time would draw them, the rule
                // looking at each sample in turn: the trace is the one-at-a-time estimate
                int pass = pass(h.batch(), certain - n);
                List<double[]> vs = new ArrayList<>();
                for (int j = 0; j < pass; j++) {
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
                    stop = n >= MIN_SAMPLES && Math.abs(mean - prevMean) / (Math.abs(prevMean) + 1e-6) < tol;
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
