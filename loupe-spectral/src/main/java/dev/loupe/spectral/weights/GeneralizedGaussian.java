package dev.loupe.spectral.weights;

/**
 * Maximum-likelihood fit of a zero-centred (at the sample mean) generalized Gaussian
 * f(x) = β/(2αΓ(1/β)) exp(−(|x−μ|/α)^β). For fixed β the MLE scale is α = (β/n Σ|x|^β)^(1/β);
 * the profile log-likelihood in β is then maximized by golden-section search on [0.1, 10]
 * (it is unimodal there in practice). Only lnΓ is needed, computed by a Lanczos series.
 * {@link #density} is public so plots evaluate the fitted curve with this same formula.
 */
public final class GeneralizedGaussian {
    /** The fit uses a strided subsample of at most this many elements (β's standard error ~ 1/√n is then ~0.2 %). */
    private static final int MAX_SAMPLE = 1 << 18;

    private GeneralizedGaussian() {
    }

    /** {beta, alpha}. Uses a strided subsample of at most 2^18 elements (documented approximation). */
    static double[] fit(float[] w, double mean) {
        int stride = Math.max(1, w.length / MAX_SAMPLE);
        int n = (w.length + stride - 1) / stride;
        double[] a = new double[n];
        int k = 0;
        for (int i = 0; i < w.length && k < n; i += stride) {
            a[k++] = Math.abs(w[i] - mean);
        }
        double[] logs = new double[k];
        int nz = 0;
        for (int i = 0; i < k; i++) {
            if (a[i] > 0) {
                logs[nz++] = Math.log(a[i]);
            }
        }
        if (nz < 2) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] lg = java.util.Arrays.copyOf(logs, nz);
        double lo = 0.1;
        double hi = 10;
        final double g = (Math.sqrt(5) - 1) / 2;
        double x1 = hi - g * (hi - lo);
        double x2 = lo + g * (hi - lo);
        double f1 = profile(lg, x1);
        double f2 = profile(lg, x2);
        for (int it = 0; it < 32; it++) { // bracket 9.9 · 0.618^32 ≈ 2e-6
            if (f1 > f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - g * (hi - lo);
                f1 = profile(lg, x1);
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + g * (hi - lo);
                f2 = profile(lg, x2);
            }
        }
        double beta = (lo + hi) / 2;
        return new double[] {beta, scale(lg, beta)};
    }

    static double scale(double[] logAbs, double beta) {
        double s = 0;
        for (double l : logAbs) {
            s += Math.exp(beta * l);
        }
        return Math.pow(beta * s / logAbs.length, 1 / beta);
    }

    /** Mean log-likelihood at the MLE scale for this β. */
    static double profile(double[] logAbs, double beta) {
        double alpha = scale(logAbs, beta);
        return logNormalizer(alpha, beta) - 1 / beta;
    }

    /** The density β/(2αΓ(1/β))·exp(−(|x−μ|/α)^β) at {@code x}, for fitted μ, α (scale) and β (shape). */
    public static double density(double x, double mu, double alpha, double beta) {
        return Math.exp(logNormalizer(alpha, beta) - Math.pow(Math.abs(x - mu) / alpha, beta));
    }

    /** ln(β/(2αΓ(1/β))). */
    private static double logNormalizer(double alpha, double beta) {
        return Math.log(beta) - Math.log(2 * alpha) - logGamma(1 / beta);
    }

    /** ln Γ(x) for x &gt; 0, Lanczos (g = 7, n = 9), relative error ~1e-15. */
    public static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        final double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
