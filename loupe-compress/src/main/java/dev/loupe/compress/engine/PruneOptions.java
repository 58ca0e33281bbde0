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
 * @param blockWise  average the metric within each transformer block first (AlphaPruning's block_wise mapping)
 */
public record PruneOptions(double sparsity, String allocation, double epsilon, PruneMethod method, int n, int m,
                           Map<String, double[]> inputNorms, boolean blockWise) {
    public PruneOptions {
        inputNorms = inputNorms == null ? Map.of() : Map.copyOf(inputNorms);
    }

    public PruneOptions(double sparsity, String allocation, double epsilon, PruneMethod method, int n, int m,
                        Map<String, double[]> inputNorms) {
        this(sparsity, allocation, epsilon, method, n, m, inputNorms, false);
    }
}
