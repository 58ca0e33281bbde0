package dev.loupe.landscape.result;

/** How the top Hessian eigenvalues were found. */
public enum EigenMethod {
    /** One Lanczos run with full reorthogonalization; each Ritz value carries its residual bound. */
    LANCZOS,
    /** Power iteration with deflation, one run per eigenvalue (PyHessian's {@code hessian.eigenvalues}). */
    POWER
}
