package dev.loupe.lm.forward;

import dev.loupe.lm.weights.Linear;

/**
 * Sees the input of every linear layer during a forward pass (calibration statistics: Wanda's activation norms,
 * GPTQ/SparseGPT's XᵀX). Called on the forward pass's thread, once per layer per window.
 */
@FunctionalInterface
public interface LinearObserver {
    /**
     * {@code x} holds {@code rows} token rows of {@code layer.in()} inputs, row-major, from offset 0. Not to be
     * modified or kept: the array is reused.
     */
    void observe(Linear layer, float[] x, int rows);

    LinearObserver NONE = (layer, x, rows) -> {
    };
}
