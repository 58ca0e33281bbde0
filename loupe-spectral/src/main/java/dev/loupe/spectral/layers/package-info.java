/**
 * Layer discovery: which tensors of a checkpoint are weight matrices, what role they play
 * (dense, conv, embedding, lm-head), how they are read as matrices (quantized ONNX weights dequantized, fused
 * tensors split by rule), and what is left out and why.
 */
package dev.loupe.spectral.layers;
