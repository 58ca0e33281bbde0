package dev.loupe.core.format.gguf;

import dev.loupe.core.tensor.DType;

/**
 * One tensor as a GGUF file describes it. {@code ne} is in ggml order: ne[0] is the fastest-varying
 * (innermost) dimension. {@link #shape()} is the row-major shape Loupe uses, ne reversed: a
 * llama.cpp {@code ffn_up} with ne = [4096, 11008] is 11008 rows of 4096, shape [11008, 4096], the
 * same as the PyTorch weight it was converted from. {@code offset} is relative to the data section.
 */
public record GgufTensorInfo(String name, long[] ne, int ggmlType, DType dtype, long offset, long byteSize) {
    public GgufTensorInfo {
        ne = ne.clone();
    }

    @Override
    public long[] ne() {
        return ne.clone();
    }

    /** Row-major shape: ne reversed. */
    public long[] shape() {
        long[] s = new long[ne.length];
        for (int i = 0; i < ne.length; i++) {
            s[i] = ne[ne.length - 1 - i];
        }
        return s;
    }
}
