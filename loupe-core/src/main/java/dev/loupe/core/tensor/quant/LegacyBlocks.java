package dev.loupe.core.tensor.quant;

import static dev.loupe.core.tensor.quant.GgmlDequantizer.half;

/**
 * The 32-element ggml blocks. Each method decodes one block at {@code b[p..]} into {@code y[o..o+32)}.
 * In the 4- and 5-bit types byte j holds element j in its low nibble and element j+16 in its high
 * nibble; the 5th bits of Q5 come from a little-endian u32 {@code qh} (bit j for element j).
 */
final class LegacyBlocks {
    private LegacyBlocks() {
    }

    /** {@code d:f16, qs[16]}; y = d * (q - 8). */
    static void q4_0(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        for (int j = 0; j < 16; j++) {
            int q = b[p + 2 + j] & 0xff;
            y[o + j] = ((q & 0x0f) - 8) * d;
            y[o + j + 16] = ((q >>> 4) - 8) * d;
        }
    }

    /** {@code d:f16, m:f16, qs[16]}; y = d * q + m. */
    static void q4_1(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        float m = half(b, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = b[p + 4 + j] & 0xff;
            y[o + j] = (q & 0x0f) * d + m;
            y[o + j + 16] = (q >>> 4) * d + m;
        }
    }

    /** {@code d:f16, qh:u32, qs[16]}; y = d * (q5 - 16). */
    static void q5_0(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        int qh = u32(b, p + 2);
        for (int j = 0; j < 16; j++) {
            int q = b[p + 6 + j] & 0xff;
            int x0 = ((q & 0x0f) | (((qh >>> j) << 4) & 0x10)) - 16;
            int x1 = ((q >>> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
            y[o + j] = x0 * d;
            y[o + j + 16] = x1 * d;
        }
    }

    /** {@code d:f16, m:f16, qh:u32, qs[16]}; y = d * q5 + m. */
    static void q5_1(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        float m = half(b, p + 2);
        int qh = u32(b, p + 4);
        for (int j = 0; j < 16; j++) {
            int q = b[p + 8 + j] & 0xff;
            int x0 = (q & 0x0f) | (((qh >>> j) << 4) & 0x10);
            int x1 = (q >>> 4) | ((qh >>> (j + 12)) & 0x10);
            y[o + j] = x0 * d + m;
            y[o + j + 16] = x1 * d + m;
        }
    }

    /** {@code d:f16, qs[32]:i8}; y = d * q. */
    static void q8_0(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        for (int j = 0; j < 32; j++) {
            y[o + j] = b[p + 2 + j] * d;
        }
    }

    /** {@code d:f16, s:f16, qs[32]:i8}; y = d * q ({@code s = d * sum(q)} only serves dot products). */
    static void q8_1(byte[] b, int p, float[] y, int o) {
        float d = half(b, p);
        for (int j = 0; j < 32; j++) {
            y[o + j] = b[p + 4 + j] * d;
        }
    }

    static int u32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
