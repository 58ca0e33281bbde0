package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.MpFit;

/**
 * WeightWatcher's MP bulk fit ({@code mp_fit=True}, RMT_Util.fit_density_with_range): the ESD is
 * rescaled by W_scale² = #evals/Σλ; a linear-kernel KDE (bandwidth 0.1, 1000 points on
 * [0, max+0.5], points with density ≤ 0.01 dropped) is compared with the MP density (quarter circle
 * on √λ when Q = 1); sigma minimizes the squared residual by scipy.optimize.brute over
 * [0.05 s, 2 s) in steps of 0.01 s (s = √(λ_max)/(1+1/√Q)) polished by Nelder–Mead (scipy.fmin).
 * Re-implemented step by step (sklearn's KDE is exact here: atol = rtol = 0); the result can
 * differ from WeightWatcher's where the residual is flat, which the tests measure.
 */
public final class MarchenkoPastur {
    private static final double BW = 0.1;
    private static final int GRID = 1000;
    private static final double DENS_THRESH = 0.01;

    private MarchenkoPastur() {
    }

    /** MP fit of an ascending ESD of {@code M} eigenvalues per slice with aspect ratio Q = N/M. */
    public static MpFit fit(double[] sortedEvals, double Q, int M) {
        int n = sortedEvals.length;
        double sum = 0;
        for (double v : sortedEvals) {
            sum += v;
        }
        double wScale = Math.sqrt(n) / Math.sqrt(sum);
        double s2 = wScale * wScale;
        double[] scaled = new double[n];
        for (int i = 0; i < n; i++) {
            scaled[i] = s2 * sortedEvals[i];
        }
        double lambdaMax = scaled[n - 1];
        double sigma = fitSigma(scaled, Q);
        double bulkMax = sq(sigma * (1 + 1 / Math.sqrt(Q)));
        double bulkMin = sq(sigma * (1 - 1 / Math.sqrt(Q)));
        double tw = 1 / Math.sqrt(Q) * Math.pow(bulkMax, 2.0 / 3) * Math.pow(M, -2.0 / 3);
        double edge = bulkMax + Math.sqrt(tw);
        int spikes = 0;
        for (double v : scaled) {
            if (v > edge) {
                spikes++;
            }
        }
        // WeightWatcher returns the edges in ESD units (divided back by W_scale²), the softrank in rescaled units
        return new MpFit(sigma, bulkMax / s2, bulkMin / s2, wScale, spikes, bulkMax / lambdaMax, "ww-brute-kde");
    }

    static double fitSigma(double[] scaled, double Q) {
        double lmax = scaled[scaled.length - 1];
        double s = Math.sqrt(lmax / sq(1 + 1 / Math.sqrt(Q)));
        double[] toFit = scaled;
        if (Q == 1) {
            toFit = new double[scaled.length];
            for (int i = 0; i < scaled.length; i++) {
                toFit[i] = Math.sqrt(scaled[i]);
            }
        }
        Residual r = new Residual(toFit, Q);
        double start = 0.05 * s;
        double stop = 2.0 * s;
        double step = 0.01 * s;
        int count = (int) Math.ceil((stop - start) / step);
        double best = Double.NaN;
        double bestF = Double.POSITIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            double x = start + i * step;
            double f = r.at(x);
            if (f < bestF) {
                bestF = f;
                best = x;
            }
        }
        return NelderMead.minimize(x -> r.at(x[0]), new double[]{best}).x()[0];
    }

    /** Sum of squared residuals between the MP (or quarter-circle) density and the fixed KDE. */
    static final class Residual {
        private final double[] xde;
        private final double[] yde;
        private final double xPeak;
        private final double xMax;
        private final double Q;

        Residual(double[] sortedValues, double Q) {
            this.Q = Q;
            double max = sortedValues[sortedValues.length - 1] + 0.5;
            double[] xs = new double[GRID];
            double[] ys = new double[GRID];
            int good = 0;
            for (int g = 0; g < GRID; g++) {
                double x = max * g / (GRID - 1); // np.linspace(0, max+0.5, 1000)
                double y = LinearKde.density(sortedValues, BW, x);
                if (y > DENS_THRESH) {
                    xs[good] = x;
                    ys[good] = y;
                    good++;
                }
            }
            xde = java.util.Arrays.copyOf(xs, good);
            yde = java.util.Arrays.copyOf(ys, good);
            int peak = 0;
            for (int i = 1; i < good; i++) {
                if (yde[i] > yde[peak]) {
                    peak = i;
                }
            }
            xPeak = good == 0 ? Double.NaN : xde[peak];
            double m = Double.NEGATIVE_INFINITY;
            for (double x : xde) {
                m = Math.max(m, x);
            }
            xMax = m;
        }

        double at(double sigma) {
            double ss = 0;
            if (Q == 1) {
                for (int i = 0; i < xde.length; i++) {
                    double v = finite(1 / (Math.PI * sigma * sigma) * Math.sqrt(4 - xde[i] * xde[i]));
                    ss += sq(v - yde[i]);
                }
                return ss;
            }
            double y = 1 / Q;
            double b = sq(sigma * (1 + Math.sqrt(1 / Q)));
            double a = sq(sigma * (1 - Math.sqrt(1 / Q)));
            if (b < xPeak || b > xMax || a > xPeak) {
                return xde.length * 1000.0 * 1000.0;
            }
            for (int i = 0; i < xde.length; i++) {
                double x = xde[i];
                double v = finite(1 / (2 * Math.PI * sigma * sigma * x * y) * Math.sqrt((b - x) * (x - a)));
                ss += sq(v - yde[i]);
            }
            return ss;
        }
    }

    /** numpy.nan_to_num. */
    private static double finite(double v) {
        if (Double.isNaN(v)) {
            return 0;
        }
        if (v == Double.POSITIVE_INFINITY) {
            return Double.MAX_VALUE;
        }
        return v == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE : v;
    }

    private static double sq(double v) {
        return v * v;
    }
}
