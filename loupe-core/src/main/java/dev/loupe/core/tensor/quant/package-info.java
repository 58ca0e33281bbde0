/** Dequantization of ggml block-quantized tensors (GGUF), block layouts as in ggml-common.h. */
package dev.loupe.core.tensor.quant;
