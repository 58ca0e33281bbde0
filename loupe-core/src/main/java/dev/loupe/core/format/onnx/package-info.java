/**
 * ONNX models: a bounds-checked protobuf wire reader over the memory-mapped file, the onnx.proto
 * layout in one class ({@link dev.loupe.core.format.onnx.OnnxLayout}), the reader (weights, graph,
 * metadata) and a writer that splices replaced or added initializers into a copy of a model.
 */
package dev.loupe.core.format.onnx;
