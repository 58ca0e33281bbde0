package dev.loupe.compress.result;

/**
 * A layer's HAWQ-V2 terms (arXiv 1911.03852, Sec. 3.2) at the width or sparsity the allocation chose for it:
 * Ω_i = Tr(H_i)/n_i · ‖P(W_i) − W_i‖², P the quantizer or pruner.
 *
 * @param name             weight name
 * @param params           n_i
 * @param trace            Hutchinson estimate of the loss-Hessian block's trace Tr(H_i)
 * @param traceHalfWidth95 its 95 % confidence half-width
 * @param traceSamples     Hutchinson samples taken
 * @param meanTrace        Tr(H_i)/n_i as used: a negative estimate (a block with negative curvature on this data,
 *                         or noise around 0) counts as 0, since Ω is a loss increase
 * @param value            the chosen bits, or sparsity
 * @param perturbation     ‖P(W_i) − W_i‖²_F at that choice
 * @param omega            Ω_i at that choice
 */
public record LayerSensitivity(String name, long params, double trace, double traceHalfWidth95, int traceSamples,
                               double meanTrace, double value, double perturbation, double omega) {
}
