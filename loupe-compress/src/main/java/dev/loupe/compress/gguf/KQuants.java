package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.loupe.compress.gguf.GgmlFit.nearestInt;

/**
 * ggml's K-quant super-blocks (256 elements) from ggml/src/ggml-quants.c: {@code quantize_row_q4_K_ref},
 * {@code quantize_row_q5_K_ref}, {@code quantize_row_q6_K_ref} without an importance matrix, and
 * {@code quantize_row_q4_K_impl} / {@code _q5_K_impl} / {@code _q6_K_impl}, which llama.cpp's {@code quantize_q4_K}
 * etc. call when one is given (llama-quantize --imatrix). Block layouts as ggml-common.h's {@code block_q4_K}
 * (d, dmin, 12 bytes of packed 6-bit scales and mins, 128 bytes of nibbles), {@code block_q5_K} (the same plus 32
 * bytes of fifth bits) and {@code block_q6_K} (128 bytes of low nibbles, 64 of high pairs, 16 int8 scales, d).
 * {@code x} is one row and {@code p} the super-block's first column; {@code qw}, when given, holds one importance
 * per column of the row.
 */
final class KQuants {
    static final int QK_K = 256;

    private KQuants() {
    }

    /** Q4_K (nmax 15) or Q5_K (nmax 31): 8 sub-blocks of 32 with a 6-bit scale and a 6-bit min each. */
    static void q45K(float[] x, int p, float[] qw, int nmax, ByteBuffer out) {
        int[] L = new int[QK_K];
        int[] laux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        int[] ls = new int[8];
        int[] lm = new int[8];
        short dh;
        short dminh;
        if (qw == null) {
            // quantize_row_q4_K_ref / q5_K_ref: weights av_x + |x| per sub-block, then 6-bit scales relative to the largest
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; ++j) {
                float sumX2 = 0;
                for (int l = 0; l < 32; ++l) {
                    sumX2 += x[p + 32 * j + l] * x[p + 32 * j + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; ++l) {
                    weights[l] = avX + Math.abs(x[p + 32 * j + l]);
                }
                scales[j] = nmax == 15
                        ? GgmlFit.qkx(32, 15, x, p + 32 * j, weights, 0, L, 32 * j, mins, j, laux, -1.f, 0.1f, 20, false)
                        : GgmlFit.qkx(32, 31, x, p + 32 * j, weights, 0, L, 32 * j, mins, j, laux, -0.5f, 0.1f, 15, false);
                if (scales[j] > maxScale) {
                    maxScale = scales[j];
                }
                if (mins[j] > maxMin) {
                    maxMin = mins[j];
                }
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            for (int j = 0; j < 8; ++j) {
                ls[j] = Math.min(63, nearestInt(invScale * scales[j]) & 0xff);
                lm[j] = Math.min(63, nearestInt(invMin * mins[j]) & 0xff);
            }
            dh = Float.floatToFloat16(maxScale / 63.f);
            dminh = Float.floatToFloat16(maxMin / 63.f);
        } else {
            // quantize_row_q4_K_impl / q5_K_impl: weights qw * sqrt(sigma2 + x²), scales and mins fitted by make_qp_quants
            float sumX2 = 0;
            for (int l = 0; l < QK_K; ++l) {
                sumX2 += x[p + l] * x[p + l];
            }
            float sigma2 = 2 * sumX2 / QK_K;
            float[] sw = new float[8];
            for (int j = 0; j < 8; ++j) {
                for (int l = 0; l < 32; ++l) {
                    float v = x[p + 32 * j + l];
                    weights[l] = qw[p + 32 * j + l] * (float) Math.sqrt(sigma2 + v * v);
                }
                float sumw = 0;
                for (int l = 0; l < 32; ++l) {
                    sumw += weights[l];
                }
                sw[j] = sumw;
                scales[j] = GgmlFit.qkx(32, nmax, x, p + 32 * j, weights, 0, L, 32 * j, mins, j, laux, -0.9f, 0.05f, 36, false);
            }
            float dBlock = GgmlFit.qp(8, 63, scales, ls, sw);
            float mBlock = GgmlFit.qp(8, 63, mins, lm, sw);
            for (int j = 0; nmax == 31 && j < 8; ++j) {
                ls[j] = Math.min(63, ls[j]); // q5_K_impl clamps; q4_K_impl packs make_qp_quants' levels as they are
                lm[j] = Math.min(63, lm[j]);
            }
            dh = Float.floatToFloat16(dBlock);
            dminh = Float.floatToFloat16(mBlock);
        }
        int[] sc = packScales(ls, lm);
        float d0 = Float.float16ToFloat(dh);
        float m0 = Float.float16ToFloat(dminh);
        for (int j = 0; j < 8; ++j) {
            int s = j < 4 ? sc[j] & 63 : (sc[j + 4] & 0xF) | ((sc[j - 4] >> 6) << 4);
            int m = j < 4 ? sc[j + 4] & 63 : (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
            float d = d0 * s;
            if (d == 0) {
                continue; // the levels of the fit stay, as in C
            }
            float dm = m0 * m;
            for (int ii = 0; ii < 32; ++ii) {
                int l = nearestInt((x[p + 32 * j + ii] + dm) / d);
                L[32 * j + ii] = Math.max(0, Math.min(nmax, l));
            }
        }
        byte[] block = new byte[nmax == 15 ? 144 : 176];
        ByteBuffer head = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putShort(dh).putShort(dminh);
        for (int v : sc) {
            head.put((byte) v);
        }
        GgmlGrid.putKLevels(nmax == 15 ? DType.Q4_K : DType.Q5_K, L, 0, block, 0);
        out.put(block);
    }

    /** The 12 scale bytes of block_q4_K/q5_K: sub-blocks 0-3 in the low 6 bits, 4-7 split into nibbles and top bits. */
    private static int[] packScales(int[] ls, int[] lm) {
        int[] s = new int[12];
        for (int j = 0; j < 8; ++j) {
            if (j < 4) {
                s[j] = ls[j];
                s[j + 4] = lm[j];
            } else {
                s[j + 4] = (ls[j] & 0xF) | ((lm[j] & 0xF) << 4);
                s[j - 4] |= (ls[j] >> 4) << 6;
                s[j] |= (lm[j] >> 4) << 6;
            }
        }
        for (int j = 0; j < 12; ++j) {
            s[j] &= 0xff;
        }
        return s;
    }

    /** Q6_K: 16 sub-blocks of 16 with symmetric 6-bit levels and an int8 scale each ({@code make_qx_quants}, rmse 1). */
    static void q6K(float[] x, int p, float[] qw, ByteBuffer out) {
        int[] L = new int[QK_K];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ++ib) {
            // the _impl passes the raw importances (its sigma2 weighting is commented out in ggml-quants.c)
            float scale = GgmlFit.qx(16, 32, x, p + 16 * ib, L, 16 * ib, qw, p + 16 * ib);
            scales[ib] = scale;
            float abs = Math.abs(scale);
            if (abs > maxAbsScale) {
                maxAbsScale = abs;
                maxScale = scale;
            }
        }
        if (maxAbsScale < GgmlFit.GROUP_MAX_EPS) {
            out.put(new byte[210]);
            return;
        }
        float iscale = -128.f / maxScale;
        short dh = Float.floatToFloat16(1 / iscale);
        byte[] sc = new byte[16];
        for (int ib = 0; ib < 16; ++ib) {
            sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
        }
        float d0 = Float.float16ToFloat(dh);
        for (int j = 0; j < 16; ++j) {
            float d = d0 * sc[j];
            if (d == 0) {
                continue;
            }
            for (int ii = 0; ii < 16; ++ii) {
                int l = nearestInt(x[p + 16 * j + ii] / d);
                L[16 * j + ii] = Math.max(-32, Math.min(31, l)) + 32;
            }
        }
        byte[] block = new byte[210];
        GgmlGrid.putKLevels(DType.Q6_K, L, 0, block, 0);
        System.arraycopy(sc, 0, block, 192, 16);
        ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).putShort(208, dh);
        out.put(block);
    }
}
