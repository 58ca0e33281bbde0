package dev.loupe.compress.write;

import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.LowRankCompensation;
import dev.loupe.compress.quantize.QuantizedMatrix;

/** What happened to one layer: new float values (pruned) or integer codes (quantized). */
public sealed interface LayerEdit {
    Layer layer();

    /** Pruned (or otherwise modified) weights, row-major [out, in]. */
    record Dense(Layer layer, float[] outIn) implements LayerEdit {
    }

    /** Quantized weights, [out, in], with optional low-rank compensation of the error (null if none). */
    record Quantized(Layer layer, QuantizedMatrix q, LowRankCompensation.Factors lowRank) implements LayerEdit {
        public Quantized(Layer layer, QuantizedMatrix q) {
            this(layer, q, null);
        }

        /** What the stored form decodes to: dequantized codes plus the low-rank term. */
        public float[] reconstructed() {
            float[] d = q.dequantize();
            return lowRank == null ? d : lowRank.addTo(d);
        }
    }
}
