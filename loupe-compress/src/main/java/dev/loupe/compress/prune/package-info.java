/** Pruning kernels: which weights become zero (magnitude, Wanda, N:M), on [out, in] row-major matrices. */
package dev.loupe.compress.prune;
