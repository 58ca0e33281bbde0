/** Exact gradients of ONNX models: the backward pass generated as ONNX nodes and run in ONNX Runtime. */
package dev.loupe.landscape.grad;
