/** Loss evaluation: an ONNX model with its weights as inputs, a dataset and a loss, evaluated at points θ. */
package dev.loupe.landscape.engine;
