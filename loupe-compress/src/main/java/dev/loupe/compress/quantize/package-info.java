/** Weight quantization kernels: round-to-nearest, dense-and-sparse outliers, low-rank error compensation. */
package dev.loupe.compress.quantize;
