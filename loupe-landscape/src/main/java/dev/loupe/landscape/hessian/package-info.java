/** Hessian spectra: Hessian-vector products, top eigenvalues, Hutchinson trace, stochastic Lanczos density. */
package dev.loupe.landscape.hessian;
