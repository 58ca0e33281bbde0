package dev.loupe.lm.config;

/**
 * Which dimensions rotary embedding pairs. Hugging Face's {@code rotate_half} pairs dimension i with i + d/2
 * (llama.cpp calls it NEOX); llama.cpp's LLaMA GGUFs pair 2i with 2i+1 because convert_hf_to_gguf.py permutes the
 * rows of q_proj and k_proj ({@code LlamaModel.permute}) so that ggml's plain rope applies. Running the stored
 * weights with the matching style gives the same logits as undoing the permutation.
 */
public enum RopeStyle {
    /** Pairs (i, i + d/2): Hugging Face LLaMA/Mistral/Qwen2, llama.cpp qwen2. */
    HALF,
    /** Pairs (2i, 2i+1): llama.cpp llama. */
    INTERLEAVED,
    /** No rotary positions (GPT-2: learned position table). */
    NONE
}
