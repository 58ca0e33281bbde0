package dev.loupe.landscape.hessian;

/** v ↦ Hv for the Hessian H of the loss at a fixed point. */
public interface HessianVectorProduct {
    int dimension();

    /** Hv; {@code v} is not modified. */
    double[] apply(double[] v);
}
