package dev.loupe.lm.config;

/**
 * Sliding-window attention (Mistral's {@code sliding_window}; Qwen2's with {@code use_sliding_window}): in the layers
 * from {@code firstLayer} on, position i attends to positions i−size+1 .. i only. That band is transformers'
 * ({@code masking_utils.sliding_window_overlay}: {@code kv_idx > q_idx - sliding_window}) and llama.cpp's
 * ({@code llama_hparams::is_masked_swa}: masked when {@code p1 - p0 >= n_swa}).
 *
 * @param size       keys each query sees, itself included (≥ 1)
 * @param firstLayer the first layer that slides (Qwen2's {@code max_window_layers}; 0 for Mistral)
 */
public record SlidingWindow(int size, int firstLayer) {
    /** The window of layer {@code layer}, or 0 for full causal attention. */
    public int at(int layer) {
        return layer >= firstLayer ? size : 0;
    }
}
