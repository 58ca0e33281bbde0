/**
 * Dequantization of block-quantized tensors: ggml's blocks (GGUF, layouts as in ggml-common.h) and ONNX Runtime's
 * packed block codes (com.microsoft MatMulNBits, GatherBlockQuantized).
 */
package dev.loupe.core.tensor.quant;
