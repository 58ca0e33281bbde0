package dev.loupe.core.tensor.quant;

import dev.loupe.core.format.gguf.GgufFixture.Le;
import dev.loupe.core.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hand-worked dequantization of every ggml block type. Each test builds one or two blocks from chosen
 * fields (scales, mins, quants), packed the way ggml's quantize_row_*_ref packs them, and computes
 * the expected floats from the formula in ggml's dequantize_row_* written out here per element
 * (never by calling the reader). Scales are powers of two and quants small integers, so every
 * expected value is exact in float and the comparison is exact.
 */
class TestGgmlDequantizer {
    private final Random rnd = new Random(42);

    private static float[] decode(DType t, byte[] blocks) {
        assertEquals(0, blocks.length % t.blockBytes(), "test built a partial block");
        float[] y = new float[blocks.length / t.blockBytes() * t.blockElements()];
        GgmlDequantizer.dequantize(t, MemorySegment.ofArray(blocks), 0, y, 0, y.length);
        return y;
    }

    private int[] randomNibbles(int n, int bound) {
        int[] q = new int[n];
        for (int i = 0; i < n; i++) {
            q[i] = rnd.nextInt(bound);
        }
        return q;
    }

    /** Q4_0: d, then byte j = element j (low nibble) | element j+16 (high nibble); y = d * (q - 8). */
    @Test
    void q4_0() {
        float[] d = {0.5f, -2f};
        int[][] q = {randomNibbles(32, 16), randomNibbles(32, 16)};
        q[0][0] = 0;
        q[0][16] = 15;
        Le b = new Le();
        for (int blk = 0; blk < 2; blk++) {
            b.f16(d[blk]);
            for (int j = 0; j < 16; j++) {
                b.u8(q[blk][j] | q[blk][j + 16] << 4);
            }
        }
        float[] y = decode(DType.Q4_0, b.toByteArray());
        assertEquals(-4f, y[0]);   // 0.5 * (0 - 8)
        assertEquals(3.5f, y[16]); // 0.5 * (15 - 8)
        for (int blk = 0; blk < 2; blk++) {
            for (int e = 0; e < 32; e++) {
                assertEquals(d[blk] * (q[blk][e] - 8), y[32 * blk + e], "element " + e);
            }
        }
    }

    /** Q4_1: d, m, nibbles as Q4_0; y = d * q + m. */
    @Test
    void q4_1() {
        int[] q = randomNibbles(32, 16);
        q[5] = 15;
        Le b = new Le().f16(0.25f).f16(-1f);
        for (int j = 0; j < 16; j++) {
            b.u8(q[j] | q[j + 16] << 4);
        }
        float[] y = decode(DType.Q4_1, b.toByteArray());
        assertEquals(2.75f, y[5]); // 0.25 * 15 - 1
        for (int e = 0; e < 32; e++) {
            assertEquals(0.25f * q[e] - 1f, y[e], "element " + e);
        }
    }

    /** Q5_0: d, u32 qh (bit e = 5th bit of element e), nibbles; y = d * (q5 - 16). */
    @Test
    void q5_0() {
        int[] q = randomNibbles(32, 32);
        int qh = 0;
        for (int e = 0; e < 32; e++) {
            qh |= (q[e] >> 4) << e;
        }
        Le b = new Le().f16(0.125f).u32(qh);
        for (int j = 0; j < 16; j++) {
            b.u8((q[j] & 15) | (q[j + 16] & 15) << 4);
        }
        float[] y = decode(DType.Q5_0, b.toByteArray());
        for (int e = 0; e < 32; e++) {
            int q5 = (e < 16 ? q[e] & 15 : q[e] & 15) | ((qh >>> e) & 1) << 4;
            assertEquals(0.125f * (q5 - 16), y[e], "element " + e);
        }
    }

    /** Q5_1: d, m, qh, nibbles; y = d * q5 + m. */
    @Test
    void q5_1() {
        int[] q = randomNibbles(32, 32);
        q[31] = 31;
        int qh = 0;
        for (int e = 0; e < 32; e++) {
            qh |= (q[e] >> 4) << e;
        }
        Le b = new Le().f16(2f).f16(-8f).u32(qh);
        for (int j = 0; j < 16; j++) {
            b.u8((q[j] & 15) | (q[j + 16] & 15) << 4);
        }
        float[] y = decode(DType.Q5_1, b.toByteArray());
        assertEquals(54f, y[31]); // 2 * 31 - 8
        for (int e = 0; e < 32; e++) {
            assertEquals(2f * q[e] - 8f, y[e], "element " + e);
        }
    }

    /** Q8_0: d, 32 signed bytes; y = d * q. Two blocks. */
    @Test
    void q8_0() {
        Le b = new Le();
        byte[][] q = new byte[2][32];
        float[] d = {0.0625f, 4f};
        for (int blk = 0; blk < 2; blk++) {
            rnd.nextBytes(q[blk]);
            q[blk][0] = -128;
            b.f16(d[blk]).bytes(q[blk]);
        }
        float[] y = decode(DType.Q8_0, b.toByteArray());
        assertEquals(-8f, y[0]);
        assertEquals(-512f, y[32]);
        for (int e = 0; e < 64; e++) {
            assertEquals(d[e / 32] * q[e / 32][e % 32], y[e], "element " + e);
        }
    }

    /** Q8_1: d, s (a dot-product helper the decoder ignores), 32 signed bytes; y = d * q. */
    @Test
    void q8_1() {
        byte[] q = new byte[32];
        rnd.nextBytes(q);
        float[] y = decode(DType.Q8_1, new Le().f16(0.5f).f16(12345f).bytes(q).toByteArray());
        for (int e = 0; e < 32; e++) {
            assertEquals(0.5f * q[e], y[e], "element " + e);
        }
    }

    /**
     * Q2_K: scales[16] (scale low nibble, min high nibble), qs[64], d, dmin. Element e = 128h + 32j +
     * 16k + l takes bits 2j..2j+1 of qs[32h + 16k + l]; sub-block e/16; y = d*sc*q - dmin*m.
     */
    @Test
    void q2K() {
        int[] sc = new int[16];
        int[] m = new int[16];
        int[] q = randomNibbles(256, 4);
        Le b = new Le();
        for (int s = 0; s < 16; s++) {
            sc[s] = (s * 7 + 3) % 16;
            m[s] = (s * 5 + 1) % 16;
            b.u8(sc[s] | m[s] << 4);
        }
        byte[] qs = new byte[64];
        for (int e = 0; e < 256; e++) {
            int h = e / 128;
            int j = (e % 128) / 32;
            int k = (e % 32) / 16;
            int l = e % 16;
            qs[32 * h + 16 * k + l] |= (byte) (q[e] << (2 * j));
        }
        b.bytes(qs).f16(0.5f).f16(0.25f);
        float[] y = decode(DType.Q2_K, b.toByteArray());
        for (int e = 0; e < 256; e++) {
            int s = e / 16;
            assertEquals(0.5f * sc[s] * q[e] - 0.25f * m[s], y[e], "element " + e);
        }
    }

    /**
     * Q3_K: hmask[32], qs[64], scales[12] (16 six-bit scales packed as quantize_row_q3_K_ref packs
     * them), d. Element e = 128h + 32j + 16k + l: low 2 bits as Q2_K, high bit = bit (4h + j) of
     * hmask[16k + l]; y = d * (sc - 32) * (q3 - 4), where the stored high bit set means +4 (q3 - 4 = low).
     */
    @Test
    void q3K() {
        int[] ls = {0, 63, 17, 48, 33, 5, 60, 31, 32, 47, 12, 55, 1, 40, 26, 62}; // stored scales, 0..63
        int[] q3 = randomNibbles(256, 8);
        byte[] hmask = new byte[32];
        byte[] qs = new byte[64];
        for (int e = 0; e < 256; e++) {
            int h = e / 128;
            int j = (e % 128) / 32;
            int k = (e % 32) / 16;
            int l = e % 16;
            qs[32 * h + 16 * k + l] |= (byte) ((q3[e] & 3) << (2 * j));
            hmask[16 * k + l] |= (byte) ((q3[e] >> 2) << (4 * h + j));
        }
        byte[] scales = new byte[12];
        for (int j = 0; j < 16; j++) {
            int l = ls[j];
            if (j < 8) {
                scales[j] = (byte) (l & 0xF);
            } else {
                scales[j - 8] |= (byte) ((l & 0xF) << 4);
            }
            scales[j % 4 + 8] |= (byte) ((l >> 4) << (2 * (j / 4)));
        }
        float d = 0.25f;
        float[] y = decode(DType.Q3_K, new Le().bytes(hmask).bytes(qs).bytes(scales).f16(d).toByteArray());
        assertEquals(0.25f * (63 - 32) * (q3[16] - 4), y[16]);
        for (int e = 0; e < 256; e++) {
            assertEquals(d * (ls[e / 16] - 32) * (q3[e] - 4), y[e], "element " + e);
        }
    }

    /** The 12-byte 6-bit scale/min packing of Q4_K and Q5_K, as quantize_row_q4_K_ref writes it. */
    private static byte[] packScaleMin(int[] ls, int[] lm) {
        byte[] s = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                s[j] = (byte) ls[j];
                s[j + 4] = (byte) lm[j];
            } else {
                s[j + 4] = (byte) ((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
                s[j - 4] |= (byte) ((ls[j] >> 4) << 6);
                s[j] |= (byte) ((lm[j] >> 4) << 6);
            }
        }
        return s;
    }

    // Scales and mins above 15 in sub-blocks 4..7 make get_scale_min_k4 use the top bits of bytes 0..7.
    private static final int[] K_SCALES = {1, 63, 20, 7, 63, 48, 17, 33};
    private static final int[] K_MINS = {0, 5, 62, 31, 50, 16, 63, 42};

    /**
     * Q4_K: d, dmin, scales[12], qs[128]. Sub-block s = e/32; 64-element chunk c = e/64 uses qs[32c..],
     * low nibbles for its first 32 elements, high for the next; y = d*sc[s]*q - dmin*m[s].
     */
    @Test
    void q4K() {
        int[] q = randomNibbles(256, 16);
        byte[] qs = new byte[128];
        for (int e = 0; e < 256; e++) {
            int c = e / 64;
            int r = e % 64;
            qs[32 * c + r % 32] |= (byte) (r < 32 ? q[e] : q[e] << 4);
        }
        float d = 0.5f;
        float dmin = 0.125f;
        float[] y = decode(DType.Q4_K, new Le().f16(d).f16(dmin).bytes(packScaleMin(K_SCALES, K_MINS)).bytes(qs).toByteArray());
        assertEquals(0.5f * 63 * q[128] - 0.125f * 50, y[128]); // sub-block 4: scale 63, min 50 (6-bit packed)
        for (int e = 0; e < 256; e++) {
            int s = e / 32;
            assertEquals(d * K_SCALES[s] * q[e] - dmin * K_MINS[s], y[e], "element " + e);
        }
    }

    /** Q5_K: as Q4_K with qh[32] after the scales: element e's 5th bit is bit (e/32) of qh[e % 32]. */
    @Test
    void q5K() {
        int[] q = randomNibbles(256, 32);
        byte[] qs = new byte[128];
        byte[] qh = new byte[32];
        for (int e = 0; e < 256; e++) {
            int c = e / 64;
            int r = e % 64;
            qs[32 * c + r % 32] |= (byte) (r < 32 ? q[e] & 15 : (q[e] & 15) << 4);
            qh[e % 32] |= (byte) ((q[e] >> 4) << (e / 32));
        }
        float d = 0.25f;
        float dmin = 1f;
        byte[] block = new Le().f16(d).f16(dmin).bytes(packScaleMin(K_SCALES, K_MINS)).bytes(qh).bytes(qs).toByteArray();
        float[] y = decode(DType.Q5_K, block);
        for (int e = 0; e < 256; e++) {
            int s = e / 32;
            assertEquals(d * K_SCALES[s] * q[e] - dmin * K_MINS[s], y[e], "element " + e);
        }
    }

    /**
     * Q6_K: ql[128], qh[64], scales[16] (signed), d. Element e = 128h + 32qd + l: the low 4 bits are
     * the low (qd 0,1) or high (qd 2,3) nibble of ql[64h + 32(qd%2) + l], the high 2 bits are bits
     * 2qd..2qd+1 of qh[32h + l]; sub-block e/16; y = d * sc * (q6 - 32). Two blocks.
     */
    @Test
    void q6K() {
        Le b = new Le();
        int[][] q = new int[2][];
        int[][] sc = new int[2][16];
        float[] d = {0.5f, -0.25f};
        for (int blk = 0; blk < 2; blk++) {
            q[blk] = randomNibbles(256, 64);
            byte[] ql = new byte[128];
            byte[] qh = new byte[64];
            for (int e = 0; e < 256; e++) {
                int h = e / 128;
                int qd = (e % 128) / 32;
                int l = e % 32;
                int lo = q[blk][e] & 15;
                ql[64 * h + 32 * (qd % 2) + l] |= (byte) (qd < 2 ? lo : lo << 4);
                qh[32 * h + l] |= (byte) ((q[blk][e] >> 4) << (2 * qd));
            }
            byte[] scales = new byte[16];
            for (int s = 0; s < 16; s++) {
                sc[blk][s] = (s % 2 == 0 ? 1 : -1) * (s * 9 % 128) - blk;
                scales[s] = (byte) sc[blk][s];
            }
            b.bytes(ql).bytes(qh).bytes(scales).f16(d[blk]);
        }
        float[] y = decode(DType.Q6_K, b.toByteArray());
        for (int blk = 0; blk < 2; blk++) {
            for (int e = 0; e < 256; e++) {
                assertEquals(d[blk] * sc[blk][e / 16] * (q[blk][e] - 32), y[256 * blk + e], "block " + blk + " element " + e);
            }
        }
    }

    /** Q8_K: f32 d, 256 signed bytes, 16 i16 block sums (ignored); y = d * q. */
    @Test
    void q8K() {
        byte[] q = new byte[256];
        rnd.nextBytes(q);
        Le b = new Le().f32(0.75f).bytes(q);
        for (int i = 0; i < 16; i++) {
            b.u16(999);
        }
        float[] y = decode(DType.Q8_K, b.toByteArray());
        for (int e = 0; e < 256; e++) {
            assertEquals(0.75f * q[e], y[e], "element " + e);
        }
    }

    /** Decoding from a later block and into an offset of dst reads and writes the right places. */
    @Test
    void firstBlockAndOffset() {
        Le b = new Le();
        for (int blk = 0; blk < 3; blk++) {
            b.f16(blk + 1f);
            for (int j = 0; j < 32; j++) {
                b.u8(j);
            }
        }
        float[] y = new float[40];
        GgmlDequantizer.dequantize(DType.Q8_0, MemorySegment.ofArray(b.toByteArray()), 2, y, 8, 32);
        assertEquals(0f, y[7]);
        for (int j = 0; j < 32; j++) {
            assertEquals(3f * j, y[8 + j]);
        }
    }
}
