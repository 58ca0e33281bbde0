package dev.loupe.landscape.hessian;

import dev.loupe.landscape.result.EigenMethod;
import dev.loupe.landscape.result.TraceMethod;

/**
 * Settings of a Hessian analysis; {@code fdStep} 0 means exact Hessian-vector products (R-operator),
 * a positive step central differences of gradients instead; {@code maxIter} bounds the Lanczos steps or each
 * eigenvalue's power iterations; {@code traceSamples} the Hutchinson samples (Hutch++: its products);
 * {@code perLayer} adds each weight tensor's trace and top eigenvalue ({@link PerLayerHessian});
 * {@link #pyHessianDefaults()} uses PyHessian's (maxIter 100, tol 1e-3, top_n 1, density iter 100, n_v 1,
 * sigma_squared 1e-5, 10,000 bins).
 */
public record HessianOptions(EigenMethod method, int topK, int maxIter, double tol, TraceMethod traceMethod, int traceSamples,
                             int densitySteps, int densityRuns, double sigma2, int bins, double fdStep, boolean perLayer, long seed) {
    public static HessianOptions pyHessianDefaults() {
        return new HessianOptions(EigenMethod.POWER, 1, 100, 1e-3, TraceMethod.HUTCHINSON, 100, 100, 1, 1e-5, 10_000, 0, false, 0);
    }
}
