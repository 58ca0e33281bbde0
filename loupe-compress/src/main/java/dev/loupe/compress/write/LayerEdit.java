package dev.loupe.compress.write;

import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.QuantizedMatrix;

/** What happened to one layer: new float values (pruned) or integer codes (quantized). */
public sealed interface LayerEdit {
    Layer layer();

    /** Pruned (or otherwise modified) weights, row-major [out, in]. */
    record Dense(Layer layer, float[] outIn) implements LayerEdit {
    }

    /** Quantized weights, [out, in]. */
    record Quantized(Layer layer, QuantizedMatrix q) implements LayerEdit {
    }
}
