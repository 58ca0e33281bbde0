package dev.loupe.linalg.sketch;

/**
 * A symmetric n×n matrix known only through products with vectors: a loss Hessian (Hessian-vector products), a
 * Gram matrix WᵀW (two products with W), a dense test matrix. All that {@link Lanczos} needs.
 */
public interface SymmetricOperator {
    int dimension();

    /** A·v as a new array; {@code v} is not modified. */
    double[] apply(double[] v);
}
