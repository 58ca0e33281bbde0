package dev.loupe.landscape.result;

/**
 * Hessian spectrum of the mean loss at the model's weights.
 *
 * @param method          how the eigenvalues were found
 * @param eigenvalues     top-k by magnitude
 * @param residuals       ‖Hv − λv‖ of each eigenvalue's unit vector: an exact eigenvalue lies within ± this
 * @param iterations      Hessian-vector products each eigenvalue took (Lanczos: the steps of its one run)
 * @param trace           Hutchinson estimate; {@code traceHalfWidth95} the 95% CI half-width
 * @param densityGrid     eigenvalue grid of the SLQ density; {@code density} its values
 * @param nodes           SLQ quadrature nodes (Ritz values) and their {@code weights}
 * @param fdStep          central-difference step ε of the Hessian-vector products; 0 = exact (R-operator)
 */
public record HessianResult(String model, int samples, int parameters, long seed, int maxIter, double tol,
                            EigenMethod method, double[] eigenvalues, double[] residuals, int[] iterations, double trace, double traceHalfWidth95,
                            int traceSamples, double[] densityGrid, double[] density, double[] nodes, double[] weights,
                            double sigma2, double fdStep, double seconds) {
}
