package dev.loupe.spectral.result;

/**
 * The power-law fit of the ESD tail (WeightWatcher's WWFit: continuous MLE, xmin by minimum KS distance).
 *
 * @param alpha       fitted exponent (NaN when the fit failed; WeightWatcher writes -1)
 * @param xmin        start of the fitted tail
 * @param xmax        largest eigenvalue used (after clip_xmax, the largest kept)
 * @param D           one-sided KS distance at xmin
 * @param sigma       (alpha-1)/sqrt(n), the MLE's standard error
 * @param numPlSpikes eigenvalues ≥ xmin
 * @param status      "success" or "failed"
 * @param rawAlpha    alpha before {@code --fix-fingers clip_xmax} (= alpha without it)
 * @param numFingers  top eigenvalues dropped by clip_xmax (0 without it)
 */
public record PowerLawFit(double alpha, double xmin, double xmax, double D, double sigma, int numPlSpikes,
                          String status, double rawAlpha, int numFingers) implements java.io.Serializable {
    public static PowerLawFit failed(double xmax) {
        return new PowerLawFit(Double.NaN, Double.NaN, xmax, Double.NaN, Double.NaN, 0, "failed", Double.NaN, 0);
    }

    public boolean ok() {
        return "success".equals(status);
    }
}
