/** Computation graphs read from model files (ONNX), so analyses can tell what consumes a weight. */
package dev.loupe.core.graph;
