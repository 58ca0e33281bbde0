/**
 * The decoder forward pass over a whole context window at once: every matmul (projections, attention scores and
 * values, output head) through OpenBLAS sgemm, the element-wise steps (norms, rotary positions, softmax,
 * activations) in Java over rows in parallel.
 */
package dev.loupe.lm.forward;
