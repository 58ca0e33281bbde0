package dev.loupe.compress.sparsegpt;

import dev.loupe.compress.obs.InverseHessian;

/**
 * How SparseGPT prunes a layer.
 *
 * @param sparsity  fraction of weights removed (unstructured); for N:M it is 1 − N/M
 * @param n         N of N:M (weights kept per group of M), 0 for unstructured
 * @param m         M of N:M, 0 for unstructured
 * @param blockSize columns per lazy batch and per mask selection (reference: 128); a multiple of M
 * @param dampening fraction of the mean XᵀX diagonal added to it (reference {@code percdamp}: 0.01)
 */
public record SparseGptSpec(double sparsity, int n, int m, int blockSize, double dampening) {
    public static final int DEFAULT_BLOCK = 128;

    public SparseGptSpec {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        if (m != 0 && (n < 1 || n >= m || blockSize % m != 0)) {
            throw new IllegalArgumentException("N:M needs 1 <= N < M and a block size that is a multiple of M, got "
                    + n + ":" + m + " with blocks of " + blockSize);
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        if (!(dampening >= 0)) {
            throw new IllegalArgumentException("dampening must be >= 0, got " + dampening);
        }
    }

    /** Unstructured at {@code sparsity} with the paper's defaults. */
    public static SparseGptSpec unstructured(double sparsity) {
        return new SparseGptSpec(sparsity, 0, 0, DEFAULT_BLOCK, InverseHessian.DEFAULT_DAMPENING);
    }

    /** N:M (N kept of every M consecutive inputs) with the paper's defaults. */
    public static SparseGptSpec semiStructured(int n, int m) {
        return new SparseGptSpec(1 - (double) n / m, n, m, DEFAULT_BLOCK, InverseHessian.DEFAULT_DAMPENING);
    }

    public boolean nm() {
        return m != 0;
    }
}
