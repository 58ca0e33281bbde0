package dev.loupe.zoo.map;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * k-fold cross-validation of ridge predictors. Every prediction is made by a model that never saw
 * that row: standardization, λ (chosen by an inner k-fold on the training rows only) and β are all
 * fitted inside the fold. Scores are computed once on the pooled out-of-fold predictions.
 */
public final class CrossValidation {
    /** λ grid for the inner search, on standardized features. */
    public static final double[] LAMBDAS = {1e-3, 1e-2, 0.1, 1, 10, 100, 1000};

    /**
     * @param name        what predicted
     * @param features    how many features it used (0 for the constant baseline)
     * @param spearman    rank correlation of out-of-fold predictions with the label
     * @param r2          1 − Σ(y−ŷ)²/Σ(y−ȳ)² on out-of-fold predictions (can be negative)
     * @param predictions out-of-fold prediction per row
     */
    public record Score(String name, int features, double spearman, double r2, double[] predictions) {
    }

    private CrossValidation() {
    }

    /** Fold of each row: a seeded shuffle dealt round-robin, so fold sizes differ by at most one. */
    public static int[] folds(int n, int k, long seed) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        java.util.Collections.shuffle(idx, new Random(seed));
        int[] fold = new int[n];
        for (int i = 0; i < n; i++) {
            fold[idx.get(i)] = i % k;
        }
        return fold;
    }

    public static Score ridge(String name, double[][] x, double[] y, int k, long seed) {
        int[] fold = folds(y.length, k, seed);
        double[] pred = new double[y.length];
        for (int f = 0; f < k; f++) {
            int[] train = rows(fold, f, false);
            int[] test = rows(fold, f, true);
            double[][] xt = pick(x, train);
            double[] yt = pick(y, train);
            double lambda = chooseLambda(xt, yt, k, seed + 1 + f);
            Ridge r = Ridge.fit(xt, yt, lambda);
            for (int i : test) {
                pred[i] = r.predict(x[i]);
            }
        }
        return score(name, x[0].length, y, pred);
    }

    /** The no-information baseline: predict the training folds' mean label. */
    public static Score constant(double[] y, int k, long seed) {
        int[] fold = folds(y.length, k, seed);
        double[] pred = new double[y.length];
        for (int f = 0; f < k; f++) {
            double m = Arrays.stream(pick(y, rows(fold, f, false))).average().orElse(Double.NaN);
            for (int i : rows(fold, f, true)) {
                pred[i] = m;
            }
        }
        // Its Spearman would only rank the folds' means against each other: an artifact, so NaN.
        return new Score("constant (training mean)", 0, Double.NaN, r2(y, pred), pred);
    }

    static double chooseLambda(double[][] x, double[] y, int k, long seed) {
        int kk = Math.min(k, y.length);
        int[] fold = folds(y.length, kk, seed);
        double best = LAMBDAS[0];
        double bestErr = Double.POSITIVE_INFINITY;
        for (double lambda : LAMBDAS) {
            double err = 0;
            for (int f = 0; f < kk; f++) {
                int[] train = rows(fold, f, false);
                Ridge r = Ridge.fit(pick(x, train), pick(y, train), lambda);
                for (int i : rows(fold, f, true)) {
                    double e = r.predict(x[i]) - y[i];
                    err += e * e;
                }
            }
            if (err < bestErr) {
                bestErr = err;
                best = lambda;
            }
        }
        return best;
    }

    public static double r2(double[] y, double[] pred) {
        double mean = Arrays.stream(y).average().orElseThrow();
        double res = 0;
        double tot = 0;
        for (int i = 0; i < y.length; i++) {
            res += (y[i] - pred[i]) * (y[i] - pred[i]);
            tot += (y[i] - mean) * (y[i] - mean);
        }
        return 1 - res / tot;
    }

    private static Score score(String name, int p, double[] y, double[] pred) {
        return new Score(name, p, Spearman.rho(pred, y), r2(y, pred), pred);
    }

    private static int[] rows(int[] fold, int f, boolean in) {
        return java.util.stream.IntStream.range(0, fold.length).filter(i -> (fold[i] == f) == in).toArray();
    }

    private static double[][] pick(double[][] x, int[] rows) {
        double[][] o = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            o[i] = x[rows[i]];
        }
        return o;
    }

    private static double[] pick(double[] y, int[] rows) {
        double[] o = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            o[i] = y[rows[i]];
        }
        return o;
    }
}
