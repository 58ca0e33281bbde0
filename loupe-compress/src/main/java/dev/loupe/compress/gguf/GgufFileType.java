package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

/**
 * The GGUF files Loupe writes: the type of every 2-D weight, and llama.cpp's {@code llama_ftype} id stored as
 * {@code general.file_type} (llama.h: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q4_0 2, MOSTLY_Q8_0 7, MOSTLY_BF16 32).
 */
public enum GgufFileType {
    F32(DType.F32, 0), F16(DType.F16, 1), BF16(DType.BF16, 32), Q8_0(DType.Q8_0, 7), Q4_0(DType.Q4_0, 2);

    private final DType weightType;
    private final int ftype;

    GgufFileType(DType weightType, int ftype) {
        this.weightType = weightType;
        this.ftype = ftype;
    }

    public DType weightType() {
        return weightType;
    }

    public int ftype() {
        return ftype;
    }

    /**
     * The stored type of one tensor, as convert_hf_to_gguf.py's {@code prepare_tensors} decides: 1-D tensors,
     * norms, biases, position embeddings and rope factors stay F32, as do rows that are not whole blocks.
     */
    public DType typeOf(String ggufName, long[] shape) {
        boolean keepF32 = shape.length <= 1 || ggufName.endsWith("_norm.weight") || !ggufName.endsWith(".weight")
                || ggufName.equals("position_embd.weight") || shape[shape.length - 1] % weightType.blockElements() != 0;
        return keepF32 ? DType.F32 : weightType;
    }
}
