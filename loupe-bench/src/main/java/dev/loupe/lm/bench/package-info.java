/** {@code loupe bench lm}: perplexity-evaluation throughput on a generated ~1B LLaMA-shaped GGUF against llama.cpp. */
package dev.loupe.lm.bench;
