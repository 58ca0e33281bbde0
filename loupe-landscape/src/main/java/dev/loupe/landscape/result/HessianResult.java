package dev.loupe.landscape.result;

import java.util.List;

/**
 * Hessian spectrum of the mean loss at the model's weights.
 *
 * @param method          how the eigenvalues were found
 * @param eigenvalues     top-k by magnitude
 * @param residuals       ‖Hv − λv‖ of each eigenvalue's unit vector: an exact eigenvalue lies within ± this
 * @param iterations      Hessian-vector products each eigenvalue took (Lanczos: the steps of its one run)
 * @param traceMethod     how the trace was estimated
 * @param trace           Hutchinson (or Hutch++) estimate; {@code traceHalfWidth95} the 95% CI half-width; {@code traceSamples}
 *                        the Hessian-vector products it took
 * @param densityGrid     eigenvalue grid of the SLQ density; {@code density} its values
 * @param nodes           SLQ quadrature nodes (Ritz values) and their {@code weights}
 * @param fdStep          central-difference step ε of the Hessian-vector products; 0 = exact (R-operator)
 * @param layers          with {@code --per-layer}: each weight tensor's block of the Hessian, in the model's order; else empty
 */
public record HessianResult(String model, int samples, int parameters, long seed, int maxIter, double tol,
                            EigenMethod method, double[] eigenvalues, double[] residuals, int[] iterations, TraceMethod traceMethod, double trace, double traceHalfWidth95,
                            int traceSamples, double[] densityGrid, double[] density, double[] nodes, double[] weights,
                            double sigma2, double fdStep, List<LayerCurvature> layers, double seconds) {
    public HessianResult {
        layers = List.copyOf(layers);
    }
}
