package dev.loupe.linalg.sketch;

/**
 * The largest eigenvalues of the smaller-side Gram (WᵀW or WWᵀ), descending, from {@link TopEigenvalues}.
 *
 * @param eigenvalues  the k largest Ritz values, descending (fewer when the Krylov space became invariant
 *                     first, e.g. rank below k; Lanczos finds a repeated eigenvalue once)
 * @param errorBounds  for each, a residual bound: some exact eigenvalue lies within this distance
 * @param steps        Lanczos steps taken (products with W and with Wᵀ: one each per step)
 * @param exact        true when the Krylov space became invariant (rank reached or full dimension: the values are exact up to rounding)
 */
public record TopSpectrum(double[] eigenvalues, double[] errorBounds, int steps, boolean exact) {
    public TopSpectrum {
        eigenvalues = eigenvalues.clone();
        errorBounds = errorBounds.clone();
    }

    @Override
    public double[] eigenvalues() {
        return eigenvalues.clone();
    }

    @Override
    public double[] errorBounds() {
        return errorBounds.clone();
    }

    /** The largest bound relative to the largest eigenvalue. */
    public double maxRelativeBound() {
        double max = 0;
        for (double b : errorBounds) {
            max = Math.max(max, b);
        }
        return eigenvalues.length == 0 || eigenvalues[0] == 0 ? 0 : max / eigenvalues[0];
    }
}
