/**
 * Loss evaluation: an ONNX model with its weights as inputs ({@code ParameterizedModel}), its samples and loss
 * ({@code ModelData}: tensor data reshaped to the model's input, or sentences tokenized for an encoder with pooling
 * appended and self-targets), evaluated at points θ ({@code LossEvaluator}).
 */
package dev.loupe.landscape.engine;
