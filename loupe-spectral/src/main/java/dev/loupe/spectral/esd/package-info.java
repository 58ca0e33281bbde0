/**
 * Empirical spectral densities: a weight matrix's eigenvalues of WᵀW (smaller side) through the
 * Gram matrix and a symmetric eigensolver of a {@link dev.loupe.linalg.DenseBackend}, pooled over
 * conv slices, optionally of the element-shuffled matrix.
 */
package dev.loupe.spectral.esd;
