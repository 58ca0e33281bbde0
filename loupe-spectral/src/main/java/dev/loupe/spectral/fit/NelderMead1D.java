package dev.loupe.spectral.fit;

import java.util.function.DoubleUnaryOperator;

/**
 * scipy.optimize.fmin (Nelder–Mead, scipy 1.10 defaults: xtol = ftol = 1e-4, 5 % initial step,
 * maxiter = maxfun = 200) specialised to one variable, because scipy.optimize.brute polishes its
 * best grid point with it and WeightWatcher's MP sigma is that polished value.
 */
final class NelderMead1D {
    private NelderMead1D() {
    }

    static double minimize(DoubleUnaryOperator f, double x0) {
        final double rho = 1;
        final double chi = 2;
        final double psi = 0.5;
        final double shrink = 0.5;
        final int maxIter = 200;
        final int maxFun = 200;
        double[] sim = {x0, x0 != 0 ? 1.05 * x0 : 0.00025};
        double[] fs = {f.applyAsDouble(sim[0]), f.applyAsDouble(sim[1])};
        int calls = 2;
        sort(sim, fs);
        int iter = 1;
        while (calls < maxFun && iter < maxIter) {
            if (Math.abs(sim[1] - sim[0]) <= 1e-4 && Math.abs(fs[0] - fs[1]) <= 1e-4) {
                break;
            }
            double xbar = sim[0];
            double xr = (1 + rho) * xbar - rho * sim[1];
            double fxr = f.applyAsDouble(xr);
            calls++;
            boolean doShrink = false;
            if (fxr < fs[0]) {
                double xe = (1 + rho * chi) * xbar - rho * chi * sim[1];
                double fxe = f.applyAsDouble(xe);
                calls++;
                if (fxe < fxr) {
                    sim[1] = xe;
                    fs[1] = fxe;
                } else {
                    sim[1] = xr;
                    fs[1] = fxr;
                }
            } else if (fxr < fs[0]) { // fsim[-2] is fsim[0] in one dimension: never true here
                sim[1] = xr;
                fs[1] = fxr;
            } else if (fxr < fs[1]) {
                double xc = (1 + psi * rho) * xbar - psi * rho * sim[1];
                double fxc = f.applyAsDouble(xc);
                calls++;
                if (fxc <= fxr) {
                    sim[1] = xc;
                    fs[1] = fxc;
                } else {
                    doShrink = true;
                }
            } else {
                double xcc = (1 - psi) * xbar + psi * sim[1];
                double fxcc = f.applyAsDouble(xcc);
                calls++;
                if (fxcc < fs[1]) {
                    sim[1] = xcc;
                    fs[1] = fxcc;
                } else {
                    doShrink = true;
                }
            }
            if (doShrink) {
                sim[1] = sim[0] + shrink * (sim[1] - sim[0]);
                fs[1] = f.applyAsDouble(sim[1]);
                calls++;
            }
            sort(sim, fs);
            iter++;
        }
        return sim[0];
    }

    private static void sort(double[] sim, double[] fs) {
        if (fs[1] < fs[0]) { // np.argsort is stable for two elements
            double t = sim[0];
            sim[0] = sim[1];
            sim[1] = t;
            t = fs[0];
            fs[0] = fs[1];
            fs[1] = t;
        }
    }
}
