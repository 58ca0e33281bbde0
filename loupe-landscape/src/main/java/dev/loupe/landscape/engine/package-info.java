/**
 * Loss evaluation: an ONNX model with its weights as inputs ({@code ParameterizedModel}), its samples and loss
 * ({@code ModelData}: tensor data reshaped to the model's input, or sentences tokenized for an encoder with pooling
 * appended and self-targets), evaluated at points θ ({@code LossEvaluator}) or at points of a slice by their coordinates ({@code SliceEvaluator}),
 * both through one {@code LossSession}.
 */
package dev.loupe.landscape.engine;
