package dev.loupe.core.tensor.quant;

import dev.loupe.core.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * Dequantizes ggml block types (Q4_0 ... Q6_K) following ggml's reference C code block by block.
 */
public final class GgmlDequantizer {
    private GgmlDequantizer() {
    }

    /**
     * Decodes {@code len} elements starting at block {@code firstBlock} of {@code src} into
     * {@code dst[off..]}.
     */
    public static void dequantize(DType type, MemorySegment src, long firstBlock, float[] dst, int off, int len) {
        throw new UnsupportedOperationException("dequantization of " + type + " is not implemented yet");
    }
}
