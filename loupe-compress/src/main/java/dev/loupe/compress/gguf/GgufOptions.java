package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

import java.util.Map;

/**
 * How to write a GGUF file: the file type (default weight type, {@code general.file_type}, llama.cpp's mixture rules),
 * per-tensor type overrides by GGUF name (an allocation's choice), and per-tensor importances by GGUF name or by the
 * source checkpoint's tensor name (one weight per input column: llama.cpp's imatrix, the mean squared activation of
 * each input, i.e. the calibration XᵀX diagonal over the token count), and optionally per-tensor XᵀX by GGUF name for
 * GPTQ on the stored type's grid ({@link GgmlGptq}).
 *
 * @param gptq     XᵀX ([in, in] row-major) of the tensors GPTQ quantizes; the others are rounded by ggml's quantizer
 * @param actOrder GPTQ's columns by decreasing XᵀX diagonal
 */
public record GgufOptions(GgufFileType type, Map<String, DType> overrides, Map<String, float[]> importance,
                          Map<String, double[]> gptq, boolean actOrder) {
    public GgufOptions {
        overrides = Map.copyOf(overrides);
        importance = Map.copyOf(importance);
        gptq = Map.copyOf(gptq);
    }

    /** ggml's quantizers only (no GPTQ). */
    public GgufOptions(GgufFileType type, Map<String, DType> overrides, Map<String, float[]> importance) {
        this(type, overrides, importance, Map.of(), false);
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
