/**
 * Decoder language models run by Loupe itself: LLaMA-family (LLaMA, Mistral, Qwen2) and GPT-2 checkpoints from a
 * Hugging Face folder or a GGUF file, a whole-window forward pass on native sgemm, perplexity and calibration
 * statistics. Flow: {@code config} (typed hyper-parameters) and {@code weights} (named tensors bound to roles) →
 * {@code forward} → {@code perplexity} / {@code calibrate}.
 */
package dev.loupe.lm;
