package dev.loupe.core.bench;

import java.nio.ByteBuffer;

/**
 * The K super-blocks (256 elements) of {@link BenchQuantizer}, packed as ggml-common.h lays them out
 * and as {@code KBlocks} decodes them. Sub-block scales come from min/max or abs-max, then are
 * themselves quantized against one f16 super-block scale, as in ggml.
 */
final class KQuant {
    private KQuant() {
    }

    /** Q2_K: 16 sub-blocks of 16, 4-bit scale and min, 2-bit quants; y = d*sc*q - dmin*m. */
    static void q2K(float[] x, int p, ByteBuffer out) {
        float[] scale = new float[16];
        float[] min = new float[16];
        affineSubBlocks(x, p, 16, 3, scale, min);
        float d = max(scale) / 15;
        float dmin = max(min) / 15;
        int[] ls = levels(scale, d, 15);
        int[] lm = levels(min, dmin, 15);
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            q[e] = clampedLevel(x[p + e] + dmin * lm[e / 16], d * ls[e / 16], 0, 3);
        }
        for (int i = 0; i < 16; i++) {
            out.put((byte) (ls[i] | lm[i] << 4));
        }
        // element e = 128h + 32j + 16k + l sits at bits 2j of qs[32h + 16k + l]
        byte[] qs = new byte[64];
        for (int e = 0; e < 256; e++) {
            qs[32 * (e / 128) + e % 32] |= (byte) (q[e] << 2 * ((e / 32) % 4));
        }
        out.put(qs).putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(dmin));
    }

    /** Q3_K: 16 sub-blocks of 16, signed 6-bit scales (stored +32), 3-bit quants in [-4, 3]. */
    static void q3K(float[] x, int p, ByteBuffer out) {
        float[] scale = new float[16];
        for (int i = 0; i < 16; i++) {
            scale[i] = BenchQuantizer.signedAbsMax(x, p + 16 * i, 16) / -4;
        }
        float d = BenchQuantizer.signedAbsMax(scale, 0, 16) / -32;
        int[] ls = new int[16];
        for (int i = 0; i < 16; i++) {
            ls[i] = Math.clamp(d != 0 ? Math.round(scale[i] / d) : 0, -32, 31) + 32;
        }
        byte[] hmask = new byte[32];
        byte[] qs = new byte[64];
        for (int e = 0; e < 256; e++) {
            int q = clampedLevel(x[p + e], d * (ls[e / 16] - 32), -4, 3) + 4; // 0..7; bit 2 set means "no -4"
            hmask[e % 32] |= (byte) ((q >> 2) << (e / 32));
            qs[32 * (e / 128) + e % 32] |= (byte) ((q & 3) << 2 * ((e / 32) % 4));
        }
        byte[] sc = new byte[12];
        for (int j = 0; j < 16; j++) {
            sc[j % 8] |= (byte) ((ls[j] & 15) << (j < 8 ? 0 : 4));
            sc[8 + j % 4] |= (byte) ((ls[j] >> 4) << 2 * (j / 4));
        }
        out.put(hmask).put(qs).put(sc).putShort(Float.floatToFloat16(d));
    }

    /** Q4_K/Q5_K: 8 sub-blocks of 32, 6-bit scale and min, 4- or 5-bit quants; y = d*sc*q - dmin*m. */
    static void q45K(float[] x, int p, boolean five, ByteBuffer out) {
        float[] scale = new float[8];
        float[] min = new float[8];
        int top = five ? 31 : 15;
        affineSubBlocks(x, p, 32, top, scale, min);
        float d = max(scale) / 63;
        float dmin = max(min) / 63;
        int[] ls = levels(scale, d, 63);
        int[] lm = levels(min, dmin, 63);
        out.putShort(Float.floatToFloat16(d)).putShort(Float.floatToFloat16(dmin));
        byte[] sc = new byte[12]; // the inverse of ggml's get_scale_min_k4
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                sc[j] = (byte) ls[j];
                sc[j + 4] = (byte) lm[j];
            } else {
                sc[j + 4] = (byte) ((ls[j] & 15) | (lm[j] & 15) << 4);
                sc[j - 4] |= (byte) ((ls[j] >> 4) << 6);
                sc[j] |= (byte) ((lm[j] >> 4) << 6);
            }
        }
        out.put(sc);
        byte[] qh = new byte[32];
        byte[] qs = new byte[128];
        for (int e = 0; e < 256; e++) {
            int s = e / 32; // element e = 64j + 32i + l is nibble i of qs[32j + l]; its 5th bit is bit s of qh[l]
            int q = clampedLevel(x[p + e] + dmin * lm[s], d * ls[s], 0, top);
            qs[32 * (s / 2) + e % 32] |= (byte) ((q & 15) << 4 * (s % 2));
            qh[e % 32] |= (byte) ((q >> 4) << s);
        }
        if (five) {
            out.put(qh);
        }
        out.put(qs);
    }

    /** Q6_K: 16 sub-blocks of 16, int8 scales, 6-bit quants in [-32, 31]; y = d * sc * q. */
    static void q6K(float[] x, int p, ByteBuffer out) {
        float[] scale = new float[16];
        for (int i = 0; i < 16; i++) {
            scale[i] = BenchQuantizer.signedAbsMax(x, p + 16 * i, 16) / -32;
        }
        float maxScale = BenchQuantizer.signedAbsMax(scale, 0, 16);
        float d = maxScale / -128;
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        byte[] sc = new byte[16];
        for (int i = 0; i < 16; i++) {
            sc[i] = (byte) Math.min(127, d != 0 ? Math.round(scale[i] / d) : 0);
        }
        for (int e = 0; e < 256; e++) {
            // element e = 128h + 32s + l: nibble s/2 of ql[64h + 32(s%2) + l], bits 2s of qh[32h + l]
            int h = e / 128;
            int s = (e % 128) / 32;
            int l = e % 32;
            int q = clampedLevel(x[p + e], d * sc[e / 16], -32, 31) + 32;
            ql[64 * h + 32 * (s % 2) + l] |= (byte) ((q & 15) << 4 * (s / 2));
            qh[32 * h + l] |= (byte) ((q >> 4) << 2 * s);
        }
        out.put(ql).put(qh).put(sc).putShort(Float.floatToFloat16(d));
    }

    /** Q8_K: f32 d = signed abs-max / -127, q = round(x / d) in int8, then 16 i16 sums of 16 quants. */
    static void q8K(float[] x, int p, ByteBuffer out) {
        float max = BenchQuantizer.signedAbsMax(x, p, 256);
        float iscale = max != 0 ? -127f / max : 0;
        out.putFloat(iscale != 0 ? 1 / iscale : 0);
        short[] sums = new short[16];
        for (int e = 0; e < 256; e++) {
            int q = Math.min(127, Math.round(iscale * x[p + e]));
            sums[e / 16] += (short) q;
            out.put((byte) q);
        }
        for (short s : sums) {
            out.putShort(s);
        }
    }

    /** Per sub-block of {@code n}: scale = (max - min') / top and min = -min' where min' = min(0, min x). */
    private static void affineSubBlocks(float[] x, int p, int n, int top, float[] scale, float[] min) {
        for (int i = 0; i < scale.length; i++) {
            float lo = 0;
            float hi = -Float.MAX_VALUE;
            for (int j = 0; j < n; j++) {
                lo = Math.min(lo, x[p + n * i + j]);
                hi = Math.max(hi, x[p + n * i + j]);
            }
            scale[i] = (hi - lo) / top;
            min[i] = -lo;
        }
    }

    private static float max(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, f);
        }
        return m;
    }

    /** Each non-negative value as an integer multiple of {@code unit} in [0, top]. */
    private static int[] levels(float[] v, float unit, int top) {
        int[] l = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = unit > 0 ? Math.clamp(Math.round(v[i] / unit), 0, top) : 0;
        }
        return l;
    }

    /** round(v / step) clamped to [lo, hi]; 0 for a zero step. */
    private static int clampedLevel(float v, float step, int lo, int hi) {
        return step != 0 ? Math.clamp(Math.round(v / step), lo, hi) : Math.clamp(0, lo, hi);
    }
}
