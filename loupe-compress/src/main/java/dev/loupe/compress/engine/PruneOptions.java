package dev.loupe.compress.engine;

import java.util.Map;

/**
 * A pruning run.
 *
 * @param sparsity   target parameter-weighted mean sparsity S (for N:M: implied, 1 − N/M)
 * @param allocation "uniform" or "alpha"
 * @param epsilon    AlphaPruning's ε
 * @param method     how weights are chosen within a layer
 * @param n          N of N:M
 * @param m          M of N:M
 * @param inputNorms per-layer input-channel L2 norms (layer name → one norm per input channel), for Wanda
 */
public record PruneOptions(double sparsity, String allocation, double epsilon, PruneMethod method, int n, int m,
                           Map<String, double[]> inputNorms) {
    public PruneOptions {
        inputNorms = inputNorms == null ? Map.of() : Map.copyOf(inputNorms);
    }
}
