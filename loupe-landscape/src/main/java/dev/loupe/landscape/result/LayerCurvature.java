package dev.loupe.landscape.result;

/**
 * Curvature of one weight tensor: its diagonal block H_ii of the loss Hessian (the others held fixed), as HAWQ-V2
 * (Dong et al. 2020) ranks layers for mixed-precision quantization by its average eigenvalue tr(H_ii)/n_i.
 *
 * @param trace            Hutchinson estimate of tr(H_ii); {@code traceHalfWidth95} its 95% CI half-width
 * @param topEigenvalue    the block's eigenvalue of largest magnitude by Lanczos on v_i ↦ (H·[0…v_i…0])_i;
 *                         {@code residual} its bound ‖H_ii y − λy‖ (an exact eigenvalue of H_ii lies within ± it)
 * @param lanczosSteps     Hessian-vector products the block's eigenvalue took
 */
public record LayerCurvature(String name, long[] shape, int parameters, double trace, double traceHalfWidth95, int traceSamples,
                             double topEigenvalue, double residual, int lanczosSteps) {

    /** tr(H_ii)/n_i: HAWQ-V2's sensitivity of the layer (average Hessian eigenvalue). */
    public double averageEigenvalue() {
        return trace / parameters;
    }
}
