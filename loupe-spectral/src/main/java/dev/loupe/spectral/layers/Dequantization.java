package dev.loupe.spectral.layers;

import dev.loupe.core.tensor.Tensor;

/** How the stored integer codes of a quantized ONNX weight become the real matrix the model multiplies by. */
public sealed interface Dequantization permits AxisDequantization, BlockDequantization {
    /** The dequantized weights of {@code q} (the stored codes), row-major as {@link WeightMatrix} reads them. */
    float[] decode(Tensor q);

    /** One line for the layer's notes, starting with "dequantized": the output flags every dequantized layer. */
    String describe(String dtype);
}
