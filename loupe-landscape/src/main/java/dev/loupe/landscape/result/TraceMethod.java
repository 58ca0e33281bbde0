package dev.loupe.landscape.result;

/** How the Hessian trace was estimated. */
public enum TraceMethod {
    /** Mean of vᵀHv over Rademacher v (PyHessian's {@code hessian.trace}); stops on a relative change below tol. */
    HUTCHINSON,
    /**
     * Hutch++ (Meyer, Musco, Musco, Woodruff 2021): the trace of H on a sketched top subspace exactly, Hutchinson on
     * the rest; a fixed number of products, a third each for the sketch, the subspace and the remainder.
     */
    HUTCHPP
}
