package dev.loupe.core.tensor.quant;

import static dev.loupe.core.tensor.quant.GgmlDequantizer.half;

/**
 * ggml's 256-element "K" super-blocks. Each method decodes one block at {@code b[p..]} into
 * {@code y[o..o+256)} with the arithmetic, in the same float order, of ggml's dequantize_row_*_K.
 * Byte offsets inside each block are from ggml-common.h (block_q2_K ... block_q8_K).
 */
final class KBlocks {
    private KBlocks() {
    }

    /**
     * Q2_K (84 bytes): {@code scales[16] @0} (low nibble scale, high nibble min), {@code qs[64] @16}
     * (2-bit quants), {@code d:f16 @80}, {@code dmin:f16 @82}; 16 sub-blocks of 16:
     * y = d*sc * q - dmin*m.
     */
    static void q2K(byte[] b, int p, float[] y, int o) {
        float d = half(b, p + 80);
        float min = half(b, p + 82);
        for (int h = 0; h < 2; h++) {
            int q = p + 16 + 32 * h;
            for (int j = 0; j < 4; j++) {
                int shift = 2 * j;
                for (int k = 0; k < 2; k++) {
                    int sc = b[p + 8 * h + 2 * j + k] & 0xff;
                    float dl = d * (sc & 0x0f);
                    float ml = min * (sc >>> 4);
                    int base = o + 128 * h + 32 * j + 16 * k;
                    for (int l = 0; l < 16; l++) {
                        y[base + l] = dl * ((b[q + 16 * k + l] >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    /**
     * Q3_K (110 bytes): {@code hmask[32] @0} (3rd bit, inverted: set means +0, clear means -4),
     * {@code qs[64] @32} (low 2 bits), {@code scales[12] @96} (16 six-bit scales, offset by 32),
     * {@code d:f16 @108}; y = d*(sc-32) * (q2 - (hbit ? 0 : 4)).
     */
    static void q3K(byte[] b, int p, float[] y, int o) {
        float dAll = half(b, p + 108);
        int s = p + 96;
        for (int h = 0; h < 2; h++) {
            int q = p + 32 + 32 * h;
            for (int j = 0; j < 4; j++) {
                int shift = 2 * j;
                int m = 1 << (4 * h + j);
                for (int k = 0; k < 2; k++) {
                    int is = 8 * h + 2 * j + k;
                    float dl = dAll * (q3Scale(b, s, is) - 32);
                    int base = o + 128 * h + 32 * j + 16 * k;
                    for (int l = 0; l < 16; l++) {
                        int lo = (b[q + 16 * k + l] >>> shift) & 3;
                        y[base + l] = dl * (lo - ((b[p + 16 * k + l] & m) != 0 ? 0 : 4));
                    }
                }
            }
        }
    }

    /**
     * Scale {@code j} (0..15, unsigned 6 bits) of Q3_K: the low 4 bits are a nibble of bytes 0..7
     * (low nibbles for j < 8, high nibbles of byte j-8 after), the high 2 bits are bits
     * {@code 2*(j/4)} of byte {@code 8 + j%4}. Equivalent to ggml's kmask1/kmask2 shuffle of aux[4].
     */
    static int q3Scale(byte[] b, int s, int j) {
        int low = j < 8 ? b[s + j] & 0x0f : (b[s + j - 8] & 0xff) >>> 4;
        int high = ((b[s + 8 + (j & 3)] & 0xff) >>> (2 * (j >>> 2))) & 3;
        return low | high << 4;
    }

    /**
     * Q4_K (144 bytes): {@code d:f16 @0}, {@code dmin:f16 @2}, {@code scales[12] @4} (8 six-bit
     * scale/min pairs, see {@link #scaleMin}), {@code qs[128] @16}; 8 sub-blocks of 32:
     * y = d*sc * q - dmin*m.
     */
    static void q4K(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        float min = half(b, p + 2);
        for (int j = 0; j < 4; j++) {
            int sm1 = scaleMin(b, p + 4, 2 * j);
            int sm2 = scaleMin(b, p + 4, 2 * j + 1);
            float d1 = d * (sm1 & 0xff);
            float m1 = min * (sm1 >>> 8);
            float d2 = d * (sm2 & 0xff);
            float m2 = min * (sm2 >>> 8);
            int q = p + 16 + 32 * j;
            int base = o + 64 * j;
            for (int l = 0; l < 32; l++) {
                int v = b[q + l] & 0xff;
                y[base + l] = d1 * (v & 0x0f) - m1;
                y[base + 32 + l] = d2 * (v >>> 4) - m2;
            }
        }
    }

    /**
     * Q5_K (176 bytes): as Q4_K plus {@code qh[32] @16} (5th bits) and {@code qs[128] @48}; element
     * l of sub-block i takes bit i of qh[l] as +16.
     */
    static void q5K(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        float min = half(b, p + 2);
        int qh = p + 16;
        for (int j = 0; j < 4; j++) {
            int sm1 = scaleMin(b, p + 4, 2 * j);
            int sm2 = scaleMin(b, p + 4, 2 * j + 1);
            float d1 = d * (sm1 & 0xff);
            float m1 = min * (sm1 >>> 8);
            float d2 = d * (sm2 & 0xff);
            float m2 = min * (sm2 >>> 8);
            int shift = 2 * j; // ggml's masks u1 = 1 << 2j and u2 = 2 << 2j, as shifts (no branches)
            int q = p + 48 + 32 * j;
            int base = o + 64 * j;
            for (int l = 0; l < 32; l++) {
                int v = b[q + l] & 0xff;
                int hb = (b[qh + l] & 0xff) >>> shift;
                y[base + l] = d1 * ((v & 0x0f) | (hb & 1) << 4) - m1;
                y[base + 32 + l] = d2 * ((v >>> 4) | (hb & 2) << 3) - m2;
            }
        }
    }

    /**
     * ggml's get_scale_min_k4: scale and min {@code j} (0..7, 6 bits each) from the 12 packed bytes at
     * {@code b[s..]}. For j < 4 they are the low 6 bits of bytes j and j+4; for j >= 4 the low 4 bits
     * come from the nibbles of byte j+4 and the high 2 bits from the top bits of bytes j-4 and j.
     * Returns {@code scale | min << 8}.
     */
    static int scaleMin(byte[] b, int s, int j) {
        int sc;
        int m;
        if (j < 4) {
            sc = b[s + j] & 63;
            m = b[s + j + 4] & 63;
        } else {
            int x = b[s + j + 4] & 0xff;
            sc = (x & 0x0f) | (((b[s + j - 4] & 0xff) >>> 6) << 4);
            m = (x >>> 4) | (((b[s + j] & 0xff) >>> 6) << 4);
        }
        return sc | m << 8;
    }

    /**
     * Q6_K (210 bytes): {@code ql[128] @0} (low 4 bits), {@code qh[64] @128} (high 2 bits),
     * {@code scales[16]:i8 @192}, {@code d:f16 @208}; y = d * sc * (q6 - 32).
     */
    static void q6K(byte[] b, int p, float[] y, int o) {
        float d = half(b, p + 208);
        for (int h = 0; h < 2; h++) {
            int ql = p + 64 * h;
            int qh = p + 128 + 32 * h;
            int sc = p + 192 + 8 * h;
            int base = o + 128 * h;
            // ggml's d * sc[is] * q evaluates (d * sc) first, so taking the four products out of the
            // loop (one per 16 elements) gives the same floats and leaves a loop the JIT vectorizes
            for (int half = 0; half < 32; half += 16) {
                int is = half >>> 4;
                float s1 = d * b[sc + is];
                float s2 = d * b[sc + is + 2];
                float s3 = d * b[sc + is + 4];
                float s4 = d * b[sc + is + 6];
                for (int l = half; l < half + 16; l++) {
                    int lo0 = b[ql + l] & 0xff;
                    int lo1 = b[ql + l + 32] & 0xff;
                    int hi = b[qh + l] & 0xff;
                    y[base + l] = s1 * (((lo0 & 0x0f) | ((hi & 3) << 4)) - 32);
                    y[base + l + 32] = s2 * (((lo1 & 0x0f) | (((hi >>> 2) & 3) << 4)) - 32);
                    y[base + l + 64] = s3 * (((lo0 >>> 4) | (((hi >>> 4) & 3) << 4)) - 32);
                    y[base + l + 96] = s4 * (((lo1 >>> 4) | (((hi >>> 6) & 3) << 4)) - 32);
                }
            }
        }
    }

    /** Q8_K (292 bytes): {@code d:f32 @0}, {@code qs[256]:i8 @4}, {@code bsums[16]:i16 @260}; y = d * q. */
    static void q8K(byte[] b, int p, float[] y, int o) {
        float d = Float.intBitsToFloat(LegacyBlocks.u32(b, p));
        for (int j = 0; j < 256; j++) {
            y[o + j] = d * b[p + 4 + j];
        }
    }
}
