package dev.loupe.spectral.fit;

import java.util.function.ToDoubleFunction;

/**
 * scipy.optimize.fmin (Nelder–Mead; scipy 1.10.1 optimize/_optimize.py {@code _minimize_neldermead}) step for
 * step: initial simplex x0 and x0 with one coordinate ×1.05 (0.00025 where it is 0), reflection 1, expansion 2,
 * contraction ½, shrink ½, stop when every vertex is within xtol = 1e-4 of the best and every value within
 * ftol = 1e-4, at most 200·N iterations and 200·N evaluations (a call past that ends the search at once, as
 * scipy's _MaxFuncCallError). The same arithmetic and the same stable ordering, so that the search takes
 * scipy's path: what the fit returns is where that path stops, not the exact optimum, and WeightWatcher's
 * numbers are those (MP sigma polished by scipy.optimize.brute; powerlaw's truncated power law).
 */
final class NelderMead {
    private static final double RHO = 1;
    private static final double CHI = 2;
    private static final double PSI = 0.5;
    private static final double SIGMA = 0.5;
    private static final double NONZDELT = 0.05;
    private static final double ZDELT = 0.00025;
    private static final double TOL = 1e-4;

    /** The best vertex and its value. */
    record Result(double[] x, double f) {
    }

    private static final class MaxCalls extends RuntimeException {
        MaxCalls() {
            super(null, null, false, false);
        }
    }

    private NelderMead() {
    }

    static Result minimize(ToDoubleFunction<double[]> f, double[] x0) {
        int n = x0.length;
        int maxFun = 200 * n;
        int maxIter = 200 * n;
        int[] calls = {0};
        ToDoubleFunction<double[]> fun = x -> {
            if (calls[0] >= maxFun) {
                throw new MaxCalls();
            }
            calls[0]++;
            return f.applyAsDouble(x.clone());
        };
        double[][] sim = new double[n + 1][];
        sim[0] = x0.clone();
        for (int k = 0; k < n; k++) {
            double[] y = x0.clone();
            y[k] = y[k] != 0 ? (1 + NONZDELT) * y[k] : ZDELT;
            sim[k + 1] = y;
        }
        double[] fs = new double[n + 1];
        java.util.Arrays.fill(fs, Double.POSITIVE_INFINITY);
        try {
            for (int k = 0; k <= n; k++) {
                fs[k] = fun.applyAsDouble(sim[k]);
            }
        } catch (MaxCalls e) {
            // scipy keeps the values it got
        }
        sort(sim, fs);
        int iterations = 1;
        while (calls[0] < maxFun && iterations < maxIter) {
            try {
                if (converged(sim, fs)) {
                    break;
                }
                double[] xbar = new double[n];
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) {
                        s += sim[k][j];
                    }
                    xbar[j] = s / n;
                }
                double[] worst = sim[n];
                double[] xr = combine(1 + RHO, xbar, -RHO, worst);
                double fxr = fun.applyAsDouble(xr);
                boolean shrink = false;
                if (fxr < fs[0]) {
                    double[] xe = combine(1 + RHO * CHI, xbar, -RHO * CHI, worst);
                    double fxe = fun.applyAsDouble(xe);
                    if (fxe < fxr) {
                        sim[n] = xe;
                        fs[n] = fxe;
                    } else {
                        sim[n] = xr;
                        fs[n] = fxr;
                    }
                } else if (fxr < fs[n - 1]) {
                    sim[n] = xr;
                    fs[n] = fxr;
                } else if (fxr < fs[n]) {
                    double[] xc = combine(1 + PSI * RHO, xbar, -PSI * RHO, worst);
                    double fxc = fun.applyAsDouble(xc);
                    if (fxc <= fxr) {
                        sim[n] = xc;
                        fs[n] = fxc;
                    } else {
                        shrink = true;
                    }
                } else {
                    double[] xcc = combine(1 - PSI, xbar, PSI, worst);
                    double fxcc = fun.applyAsDouble(xcc);
                    if (fxcc < fs[n]) {
                        sim[n] = xcc;
                        fs[n] = fxcc;
                    } else {
                        shrink = true;
                    }
                }
                if (shrink) {
                    for (int j = 1; j <= n; j++) {
                        double[] v = new double[n];
                        for (int i = 0; i < n; i++) {
                            v[i] = sim[0][i] + SIGMA * (sim[j][i] - sim[0][i]);
                        }
                        sim[j] = v;
                        fs[j] = fun.applyAsDouble(v);
                    }
                }
                iterations++;
            } catch (MaxCalls e) {
                // scipy's loop body ends here; the vertices are sorted as after every iteration
            } finally {
                sort(sim, fs);
            }
        }
        return new Result(sim[0], fs[0]);
    }

    private static boolean converged(double[][] sim, double[] fs) {
        for (int k = 1; k < sim.length; k++) {
            if (Math.abs(fs[0] - fs[k]) > TOL || Double.isNaN(fs[k] - fs[0])) {
                return false;
            }
            for (int i = 0; i < sim[0].length; i++) {
                if (!(Math.abs(sim[k][i] - sim[0][i]) <= TOL)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** a·x + b·y elementwise, as numpy evaluates {@code a * x - c * y} (c·y rounded first, then subtracted). */
    private static double[] combine(double a, double[] x, double b, double[] y) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = b < 0 ? a * x[i] - (-b) * y[i] : a * x[i] + b * y[i];
        }
        return r;
    }

    /** np.argsort of the values (stable for these few vertices: numpy sorts them by insertion). */
    private static void sort(double[][] sim, double[] fs) {
        for (int i = 1; i < fs.length; i++) {
            double f = fs[i];
            double[] v = sim[i];
            int j = i - 1;
            while (j >= 0 && fs[j] > f) {
                fs[j + 1] = fs[j];
                sim[j + 1] = sim[j];
                j--;
            }
            fs[j + 1] = f;
            sim[j + 1] = v;
        }
    }
}
