/** Compression of trained checkpoints: allocation, kernels, writers and the memory-wall model. */
package dev.loupe.compress;
