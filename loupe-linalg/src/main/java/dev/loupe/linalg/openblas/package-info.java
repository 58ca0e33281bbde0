/**
 * Native BLAS/LAPACK from the OpenBLAS binary that {@code org.bytedeco:openblas} ships inside its
 * Maven jar (extracted by JavaCPP, called through java.lang.foreign): works on a fresh machine with
 * no system packages.
 */
package dev.loupe.linalg.openblas;
