/**
 * How similarly two versions of a model compute, from data: each matched layer's outputs over the same examples
 * in both models (ONNX Runtime), compared by linear CKA.
 */
package dev.loupe.diff.activations;
