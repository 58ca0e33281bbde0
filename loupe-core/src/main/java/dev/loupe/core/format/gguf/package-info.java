/**
 * GGUF (llama.cpp / ggml) checkpoints, versions 2 and 3: {@link dev.loupe.core.format.gguf.GgufHeader}
 * owns the byte layout; shapes are ggml's ne reversed into row-major order.
 */
package dev.loupe.core.format.gguf;
