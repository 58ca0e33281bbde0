package dev.loupe.compress.allocate;

/**
 * One weight tensor's loss-Hessian block trace, as HAWQ-V2 (arXiv 1911.03852, Sec. 3.2) allocates by: tr(H_ii) of the
 * block of its n_i weights (the others held fixed), estimated by Hutchinson's method. Computed by loupe-landscape's
 * exact Hessian-vector products ({@code PerLayerHessian}) and handed over by the caller, so that compression does not
 * depend on the landscape module.
 *
 * @param name             the weight's name (the ONNX initializer)
 * @param parameters       n_i
 * @param trace            the estimate of tr(H_ii)
 * @param traceHalfWidth95 its 95 % confidence half-width
 * @param samples          Hutchinson samples taken
 */
public record HessianTrace(String name, long parameters, double trace, double traceHalfWidth95, int samples) {
    public HessianTrace {
        if (parameters < 1 || Double.isNaN(trace)) {
            throw new IllegalArgumentException("trace " + trace + " of " + parameters + " weights for '" + name + "'");
        }
    }

    /** tr(H_ii)/n_i, HAWQ-V2's sensitivity (the block's average eigenvalue). */
    public double meanTrace() {
        return trace / parameters;
    }
}
