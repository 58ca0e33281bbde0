/**
 * Running ONNX models with ONNX Runtime: {@link dev.loupe.runtime.OnnxModel} (one session, batched,
 * multi-threaded) and {@link dev.loupe.runtime.Evaluation} (accuracy and cross-entropy on a labelled dataset).
 * ORT is the only native dependency and stays in this module.
 */
package dev.loupe.runtime;
