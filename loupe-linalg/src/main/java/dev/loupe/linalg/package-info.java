/**
 * Dense linear algebra for spectra: the Gram matrix of the smaller side and symmetric eigenvalues,
 * on native OpenBLAS/LAPACK when it loads, on pure Java (EJML) as the last resort.
 */
package dev.loupe.linalg;
