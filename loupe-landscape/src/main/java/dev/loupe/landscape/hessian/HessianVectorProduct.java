package dev.loupe.landscape.hessian;

import dev.loupe.linalg.sketch.SymmetricOperator;

/** v ↦ Hv for the Hessian H of the loss at a fixed point: {@link #apply} returns Hv and leaves {@code v} as it is. */
public interface HessianVectorProduct extends SymmetricOperator {
}
