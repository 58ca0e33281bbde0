package dev.loupe.landscape.hessian;

import dev.loupe.landscape.grad.GradientEvaluator;

/**
 * Hv by Pearlmutter's R-operator (forward-mode derivative of the ONNX gradient graph, see
 * {@code grad.HvpGraph}): exact up to float32 rounding, one run per batch, no step size. This is what
 * PyHessian computes with double back-propagation. Preferred over {@link FiniteDifferenceHvp}, which
 * on ReLU networks crosses kinks and, in float32, loses small perturbations to rounding.
 */
public final class ExactHvp implements HessianVectorProduct {
    private final GradientEvaluator grad;
    private final float[] theta;

    /** @param grad built with the Hessian-vector product graph */
    public ExactHvp(GradientEvaluator grad, float[] theta) {
        this.grad = grad;
        this.theta = theta.clone();
    }

    @Override
    public int dimension() {
        return theta.length;
    }

    @Override
    public double[] apply(double[] v) {
        return grad.hessianVectorProduct(theta, v);
    }

    /** Several directions per ONNX Runtime run ({@link GradientEvaluator#hessianVectorProducts}). */
    @Override
    public java.util.List<double[]> applyAll(java.util.List<double[]> vs) {
        return grad.hessianVectorProducts(theta, vs);
    }

    @Override
    public int batch() {
        return grad.hvpBatch();
    }
}
