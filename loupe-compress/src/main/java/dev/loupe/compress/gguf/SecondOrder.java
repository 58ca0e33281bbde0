package dev.loupe.compress.gguf;

import dev.loupe.compress.sparsegpt.SparseGptSpec;

/**
 * The second-order method applied, from its calibration XᵀX, to every tensor of a GGUF that has one: GPTQ on the
 * stored type's fixed grid ({@link GgmlGptq}), or SparseGPT before ggml's quantizer (only types that store 0 exactly).
 */
public sealed interface SecondOrder {
    /** GPTQ, columns by decreasing XᵀX diagonal with {@code actOrder}. */
    record Gptq(boolean actOrder) implements SecondOrder {
    }

    /** SparseGPT (Frantar &amp; Alistarh, ICML 2023) with {@code spec}; the pruned weights are then written as the type's blocks. */
    record SparseGpt(SparseGptSpec spec) implements SecondOrder {
    }
}
