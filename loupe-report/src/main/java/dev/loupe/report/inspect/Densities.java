package dev.loupe.report.inspect;

/**
 * Evaluates densities whose parameters the analysis already fitted, so a curve can be drawn over a
 * histogram. Nothing here estimates anything.
 */
final class Densities {
    private static final double[] LANCZOS = {0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
            9.9843695780195716e-6, 1.5056327351493116e-7};

    private Densities() {
    }

    /** Generalized Gaussian: β/(2αΓ(1/β))·exp(−(|w−μ|/α)^β). */
    static double ggd(double w, double mu, double alpha, double beta) {
        double logNorm = Math.log(beta) - Math.log(2 * alpha) - lnGamma(1 / beta);
        return Math.exp(logNorm - Math.pow(Math.abs(w - mu) / alpha, beta));
    }

    /**
     * The fitted power law as a density over all eigenvalues: the tail holds {@code tailFraction} of
     * the mass, and within it p(λ) = (α−1)/xmin·(λ/xmin)^−α (the continuous Pareto the MLE fits).
     */
    static double powerLaw(double lambda, double alpha, double xmin, double tailFraction) {
        return tailFraction * (alpha - 1) / xmin * Math.pow(lambda / xmin, -alpha);
    }

    /** ln Γ(x) for x &gt; 0 by the Lanczos approximation (g = 7, n = 9; ~15 digits). */
    static double lnGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
        }
        x -= 1;
        double a = LANCZOS[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += LANCZOS[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
