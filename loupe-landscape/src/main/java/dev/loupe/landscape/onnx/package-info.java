/**
 * Re-emitting ONNX models for evaluation: weights turned into graph inputs, gradient graphs appended,
 * and small models built in memory (tests use these for answers known by hand).
 */
package dev.loupe.landscape.onnx;
