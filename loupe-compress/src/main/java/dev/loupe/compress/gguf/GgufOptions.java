package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;
import dev.loupe.lm.calibrate.BlockInputs;

import java.util.Map;

/**
 * How to write a GGUF file: the file type (default weight type, {@code general.file_type}, llama.cpp's mixture rules),
 * per-tensor type overrides by GGUF name (an allocation's choice), and per-tensor importances by GGUF name or by the
 * source checkpoint's tensor name (one weight per input column: llama.cpp's imatrix, the mean squared activation of
 * each input, i.e. the calibration XᵀX diagonal over the token count), and optionally the calibration a second-order
 * method takes each decoder-block tensor's XᵀX (and importances) from, block by block as the tensors are written.
 *
 * @param blocks the calibration of the tensors {@code second} applies to, by GGUF name (the decoder blocks' linear
 *               layers of the LM read from the GGUF being written); the others are rounded by ggml's quantizer
 * @param second GPTQ or SparseGPT, or null for none
 */
public record GgufOptions(GgufFileType type, Map<String, DType> overrides, Map<String, float[]> importance,
                          BlockInputs blocks, SecondOrder second) {
    public GgufOptions {
        overrides = Map.copyOf(overrides);
        importance = Map.copyOf(importance);
        if ((blocks == null) != (second == null)) {
            throw new IllegalArgumentException("a second-order method needs its calibration, and only it");
        }
    }

    /** ggml's quantizers only. */
    public GgufOptions(GgufFileType type, Map<String, DType> overrides, Map<String, float[]> importance) {
        this(type, overrides, importance, null, null);
    }

    public static GgufOptions of(GgufFileType type) {
        return new GgufOptions(type, Map.of(), Map.of());
    }

    /** The stored type of one tensor: the override (with llama.cpp's fallback for partial super-blocks) or the rules. */
    public DType typeOf(String name, long[] shape, int layers, boolean tiedEmbeddings) {
        DType o = overrides.get(name);
        if (o != null && GgufFileType.quantizable(name, shape)) {
            return GgufFileType.fallback(o, shape[shape.length - 1]);
        }
        return LlamaQuantRules.typeOf(type, name, shape, layers, tiedEmbeddings);
    }

    /** The importances of a tensor by its GGUF name, else by its source name (null if none). */
    public float[] importanceOf(String ggufName, String sourceName) {
        float[] w = importance.get(ggufName);
        return w != null || sourceName == null ? w : importance.get(sourceName);
    }

    /** Whether {@link #typeOf} had to leave the intended quantized type because the rows are not whole blocks. */
    public boolean fellBack(String name, long[] shape, int layers, boolean tiedEmbeddings) {
        DType o = overrides.get(name);
        DType intended = o != null && GgufFileType.quantizable(name, shape) ? o
                : LlamaQuantRules.intended(type, name, shape, layers, tiedEmbeddings);
        return intended.isQuantized() && typeOf(name, shape, layers, tiedEmbeddings) != intended;
    }
}
