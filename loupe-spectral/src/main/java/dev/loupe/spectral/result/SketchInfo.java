package dev.loupe.spectral.result;

/**
 * How a sketched layer's partial ESD was obtained and how far it can be off.
 *
 * @param k              eigenvalues computed (the largest k)
 * @param totalEvals     eigenvalues of the exact ESD
 * @param steps          Lanczos steps (one product with W and one with Wᵀ each)
 * @param maxRelBound    largest residual bound of the k values, relative to λ_max: an exact eigenvalue
 *                       lies within bound of each (Kahan/Parlett)
 * @param reason         why sketched ("--sketch", "too large for one Java array", "over the memory budget")
 * @param checked        whether the exact ESD was also computed ({@code --sketch-check})
 * @param maxRelError    measured max |λ_sketch,i − λ_exact,i| / λ_max over the k values (NaN unchecked)
 * @param alphaExact     alpha of the exact full ESD (NaN unchecked)
 * @param alphaTopK      alpha fitted to the exact top k (NaN unchecked): isolates the truncation from the
 *                       Lanczos error
 */
public record SketchInfo(int k, long totalEvals, int steps, double maxRelBound, String reason, boolean checked,
                         double maxRelError, double alphaExact, double alphaTopK) {
}
