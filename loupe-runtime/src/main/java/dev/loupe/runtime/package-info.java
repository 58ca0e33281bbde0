/**
 * Running ONNX models with ONNX Runtime: {@link dev.loupe.runtime.OnnxModel} (one session, batched,
 * multi-threaded) and {@link dev.loupe.runtime.Evaluation} (accuracy and cross-entropy on a labelled dataset).
 * ORT is the only native dependency and stays in this module; every session in Loupe, here and in the compress and
 * landscape modules, is opened through {@link dev.loupe.runtime.session.OrtSessions} (threads, time limit, ordered
 * shutdown, ORT's log kept off stderr).
 */
package dev.loupe.runtime;
