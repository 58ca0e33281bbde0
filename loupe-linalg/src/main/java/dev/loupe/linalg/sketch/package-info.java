/**
 * Partial spectra for layers too large for a dense eigen-decomposition: the top of the ESD from
 * products with W and Wᵀ only (Lanczos), each value with a residual error bound.
 */
package dev.loupe.linalg.sketch;
