/**
 * Decoder LMs exported to ONNX (torch.onnx, Hugging Face Optimum with or without past), run in ONNX Runtime through
 * loupe-runtime's one session factory and scored by the same perplexity code as the Java forward pass.
 */
package dev.loupe.lm.onnx;
