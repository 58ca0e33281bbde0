package dev.loupe.core.tensor.quant;

import dev.loupe.core.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Dequantizes ggml block types (Q4_0 ... Q8_K) block by block, following the block layouts of ggml's
 * {@code ggml-common.h} and the arithmetic of its reference {@code dequantize_row_*} functions.
 * Blocks are copied from the (mapped) segment into a heap buffer in chunks and decoded there: plain
 * array indexing is the fastest portable way to pick nibbles apart in Java. Written by hand because
 * no maintained JVM library decodes ggml blocks.
 */
public final class GgmlDequantizer {
    /** Bytes of blocks copied per chunk: small enough to stay in cache, large enough to amortize the copy. */
    private static final int CHUNK_BYTES = 64 * 1024;

    private GgmlDequantizer() {
    }

    /**
     * Decodes {@code len} elements starting at block {@code firstBlock} of {@code src} into
     * {@code dst[off..]}. {@code len} should be whole blocks; a trailing partial block is decoded
     * and cut.
     */
    public static void dequantize(DType type, MemorySegment src, long firstBlock, float[] dst, int off, int len) {
        if (!type.isQuantized()) {
            throw new IllegalArgumentException(type + " is not a ggml block type");
        }
        int be = type.blockElements();
        int bb = type.blockBytes();
        int blocks = (len + be - 1) / be;
        int perChunk = Math.max(1, CHUNK_BYTES / bb);
        byte[] buf = new byte[Math.min(blocks, perChunk) * bb];
        float[] tail = len % be == 0 ? null : new float[be];
        for (int done = 0; done < blocks; done += perChunk) {
            int n = Math.min(perChunk, blocks - done);
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (firstBlock + done) * bb, buf, 0, n * bb);
            for (int k = 0; k < n; k++) {
                int elem = (done + k) * be;
                if (tail != null && elem + be > len) {
                    decodeBlock(type, buf, k * bb, tail, 0);
                    System.arraycopy(tail, 0, dst, off + elem, len - elem);
                } else {
                    decodeBlock(type, buf, k * bb, dst, off + elem);
                }
            }
        }
    }

    private static void decodeBlock(DType type, byte[] b, int p, float[] y, int o) {
        switch (type) {
            case Q4_0 -> LegacyBlocks.q4_0(b, p, y, o);
            case Q4_1 -> LegacyBlocks.q4_1(b, p, y, o);
            case Q5_0 -> LegacyBlocks.q5_0(b, p, y, o);
            case Q5_1 -> LegacyBlocks.q5_1(b, p, y, o);
            case Q8_0 -> LegacyBlocks.q8_0(b, p, y, o);
            case Q8_1 -> LegacyBlocks.q8_1(b, p, y, o);
            case Q2_K -> KBlocks.q2K(b, p, y, o);
            case Q3_K -> KBlocks.q3K(b, p, y, o);
            case Q4_K -> KBlocks.q4K(b, p, y, o);
            case Q5_K -> KBlocks.q5K(b, p, y, o);
            case Q6_K -> KBlocks.q6K(b, p, y, o);
            case Q8_K -> KBlocks.q8K(b, p, y, o);
            default -> throw new IllegalArgumentException(type + " is not a ggml block type");
        }
    }

    /** A little-endian IEEE half at {@code b[p..p+1]}, as ggml's GGML_FP16_TO_FP32. */
    static float half(byte[] b, int p) {
        return Float.float16ToFloat((short) ((b[p] & 0xff) | (b[p + 1] << 8)));
    }
}
