package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

/**
 * The GGUF files Loupe writes: the default type of the 2-D weights, llama.cpp's {@code llama_ftype} id stored as
 * {@code general.file_type} (llama.h), and whether llama.cpp's per-tensor mixture rules apply ({@link LlamaQuantRules}).
 * The pure K types are what {@code llama-quantize --pure} writes for Q4_K_S / Q5_K_S / Q6_K: every weight of that
 * type (rows that are not whole 256-element super-blocks fall back as llama.cpp does); Q4_K_M and Q5_K_M follow
 * {@code llama_tensor_get_type}.
 */
public enum GgufFileType {
    F32(DType.F32, 0, false), F16(DType.F16, 1, false), BF16(DType.BF16, 32, false), Q8_0(DType.Q8_0, 7, false),
    Q4_0(DType.Q4_0, 2, false), Q5_0(DType.Q5_0, 8, false), Q5_1(DType.Q5_1, 9, false),
    Q4_K(DType.Q4_K, 14, false), Q5_K(DType.Q5_K, 16, false), Q6_K(DType.Q6_K, 18, false),
    Q4_K_M(DType.Q4_K, 15, true), Q5_K_M(DType.Q5_K, 17, true);

    private final DType weightType;
    private final int ftype;
    private final boolean mixture;

    GgufFileType(DType weightType, int ftype, boolean mixture) {
        this.weightType = weightType;
        this.ftype = ftype;
        this.mixture = mixture;
    }

    public DType weightType() {
        return weightType;
    }

    public int ftype() {
        return ftype;
    }

    /** Whether llama.cpp's mixture rules (Q6_K for output, some attn_v and ffn_down ...) pick per-tensor types. */
    public boolean mixture() {
        return mixture;
    }

    /**
     * Whether llama.cpp would quantize this tensor at all: convert_hf_to_gguf.py's {@code prepare_tensors} and
     * llama-quant.cpp's {@code tensor_allows_quantization} keep 1-D tensors, norms, biases and position embeddings
     * in F32.
     */
    public static boolean quantizable(String ggufName, long[] shape) {
        return shape.length > 1 && ggufName.endsWith(".weight") && !ggufName.endsWith("_norm.weight")
                && !ggufName.equals("position_embd.weight");
    }

    /**
     * The stored type of one tensor when every weight gets {@link #weightType()} (the mixture rules are
     * {@link LlamaQuantRules}): tensors llama.cpp does not quantize stay F32; rows that are not whole blocks stay F32
     * for the 32-element types (convert_hf_to_gguf.py) and fall back for the K types ({@link #fallback}).
     */
    public DType typeOf(String ggufName, long[] shape) {
        if (!quantizable(ggufName, shape)) {
            return DType.F32;
        }
        long cols = shape[shape.length - 1];
        if (weightType.blockElements() == 256) {
            return fallback(weightType, cols);
        }
        return cols % weightType.blockElements() != 0 ? DType.F32 : weightType;
    }

    /**
     * llama-quant.cpp {@code tensor_type_fallback}: a K type whose rows are not whole 256-element super-blocks becomes
     * Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0 (32-element blocks of about the same bits), F16 if even those do not fit.
     */
    public static DType fallback(DType type, long cols) {
        if (cols % type.blockElements() == 0) {
            return type;
        }
        DType f = switch (type) {
            case Q4_K -> DType.Q5_0;
            case Q5_K -> DType.Q5_1;
            case Q6_K -> DType.Q8_0;
            default -> DType.F16;
        };
        return cols % f.blockElements() == 0 ? f : DType.F16;
    }
}
