package dev.loupe.core.bench;

import dev.loupe.core.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Quantizes floats into ggml blocks, only to give {@code loupe bench gguf} realistic input. The
 * legacy types (Q4_0 ... Q8_1) and Q8_K follow ggml's {@code quantize_row_*_ref} formulas; the other K
 * types use plain min/max (or abs-max) sub-block scales instead of ggml's iterative scale search, which
 * changes the accuracy a little but not the block layout, and layout is all a decode benchmark needs.
 * Not a quantizer for users: it writes no file and makes no accuracy promise.
 */
final class BenchQuantizer {
    private BenchQuantizer() {
    }

    /** {@code x.length / type.blockElements()} blocks of {@code type}; x is whole blocks. */
    static byte[] quantize(DType type, float[] x) {
        int be = type.blockElements();
        if (!type.isQuantized() || x.length % be != 0) {
            throw new IllegalArgumentException(type + " cannot hold " + x.length + " elements");
        }
        ByteBuffer out = ByteBuffer.allocate(x.length / be * type.blockBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p < x.length; p += be) {
            int start = out.position();
            switch (type) {
                case Q4_0, Q5_0 -> symmetric(x, p, type == DType.Q4_0 ? 4 : 5, out);
                case Q4_1, Q5_1 -> affine(x, p, type == DType.Q4_1 ? 4 : 5, out);
                case Q8_0, Q8_1 -> q8(x, p, type == DType.Q8_1, out);
                case Q2_K -> KQuant.q2K(x, p, out);
                case Q3_K -> KQuant.q3K(x, p, out);
                case Q4_K, Q5_K -> KQuant.q45K(x, p, type == DType.Q5_K, out);
                case Q6_K -> KQuant.q6K(x, p, out);
                case Q8_K -> KQuant.q8K(x, p, out);
                default -> throw new IllegalArgumentException(type + " is not a ggml block type");
            }
            if (out.position() - start != type.blockBytes()) {
                throw new IllegalStateException(type + " block of " + (out.position() - start) + " bytes");
            }
        }
        return out.array();
    }

    /** Q4_0/Q5_0: d = signed abs-max / -2^(bits-1); q = x/d + 2^(bits-1), packed as nibbles (+ qh). */
    private static void symmetric(float[] x, int p, int bits, ByteBuffer out) {
        float max = signedAbsMax(x, p, 32);
        int half = 1 << (bits - 1);
        float d = max / -half;
        float id = d != 0 ? 1 / d : 0;
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) {
            q[j] = Math.min(2 * half - 1, (int) (x[p + j] * id + half + 0.5f));
        }
        out.putShort(Float.floatToFloat16(d));
        nibbles(q, bits, out);
    }

    /** Q4_1/Q5_1: d = (max - min) / (2^bits - 1), m = min; q = (x - m) / d. */
    private static void affine(float[] x, int p, int bits, ByteBuffer out) {
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            min = Math.min(min, x[p + j]);
            max = Math.max(max, x[p + j]);
        }
        int top = (1 << bits) - 1;
        float d = (max - min) / top;
        float id = d != 0 ? 1 / d : 0;
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) {
            q[j] = Math.min(top, (int) ((x[p + j] - min) * id + 0.5f));
        }
        out.putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(min));
        nibbles(q, bits, out);
    }

    /** Low nibbles of elements j and j+16 in byte j; for 5 bits first a u32 whose bit j is element j's 5th bit. */
    private static void nibbles(int[] q, int bits, ByteBuffer out) {
        if (bits == 5) {
            int qh = 0;
            for (int j = 0; j < 32; j++) {
                qh |= ((q[j] >> 4) & 1) << j;
            }
            out.putInt(qh);
        }
        for (int j = 0; j < 16; j++) {
            out.put((byte) ((q[j] & 15) | (q[j + 16] & 15) << 4));
        }
    }

    /** Q8_0/Q8_1: d = abs-max / 127, q = round(x / d); Q8_1 also stores s = d * sum(q). */
    private static void q8(float[] x, int p, boolean withSum, ByteBuffer out) {
        float amax = Math.abs(signedAbsMax(x, p, 32));
        float d = amax / 127;
        float id = d != 0 ? 1 / d : 0;
        out.putShort(Float.floatToFloat16(d));
        int at = out.position();
        if (withSum) {
            out.putShort((short) 0);
        }
        int sum = 0;
        for (int j = 0; j < 32; j++) {
            int q = Math.round(x[p + j] * id);
            sum += q;
            out.put((byte) q);
        }
        if (withSum) {
            out.putShort(at, Float.floatToFloat16(sum * d));
        }
    }

    /** The element of largest magnitude among {@code x[p..p+n)}, with its sign. */
    static float signedAbsMax(float[] x, int p, int n) {
        float max = 0;
        for (int j = 0; j < n; j++) {
            if (Math.abs(x[p + j]) > Math.abs(max)) {
                max = x[p + j];
            }
        }
        return max;
    }
}
