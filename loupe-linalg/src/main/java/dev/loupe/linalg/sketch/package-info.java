/**
 * Matrix-free spectra: the one Lanczos (full reorthogonalization, residual bounds) on any symmetric operator known
 * through products, used for the top of a layer's ESD from products with W and Wᵀ (layers too large for a dense
 * eigen-decomposition) and for loss Hessians from Hessian-vector products.
 */
package dev.loupe.linalg.sketch;
