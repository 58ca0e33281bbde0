/** The measured code of {@code loupe bench compress}: the pruning and quantization kernels on synthetic matrices. */
package dev.loupe.compress.bench;
