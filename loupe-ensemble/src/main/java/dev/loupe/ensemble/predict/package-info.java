/**
 * The input of every analysis: members x samples predicted classes (optionally probabilities) plus true labels
 * ({@link dev.loupe.ensemble.predict.Predictions}), computed from ONNX models ({@code ModelPredictions}), read from files
 * ({@code PredictionFiles}) and written back in the same layout ({@code PredictionWriter}).
 */
package dev.loupe.ensemble.predict;
