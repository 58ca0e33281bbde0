package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * ggml's quantizers (ggml/src/ggml-quants.c), ported operation for operation in float arithmetic so the bytes equal
 * llama.cpp's: without importances the reference ones ({@code quantize_row_*_ref}, "reference implementation for
 * deterministic creation of model files"), with importances (one per column of the row: llama.cpp's imatrix, the mean
 * squared activation of each input) the {@code quantize_row_*_impl} variants that {@code ggml_quantize_chunk} calls
 * when llama-quantize gets {@code --imatrix}. Scales are computed in float and stored as f16 by round-to-nearest-even
 * ({@code GGML_FP32_TO_FP16}, Java's {@link Float#floatToFloat16}); quants use C's {@code roundf} (half away from
 * zero), {@code nearest_int} (half to even) or the {@code (int8_t)(x + 8.5f)} truncation, each where the C code does.
 * One call quantizes one row (whole blocks); the output is the block bytes as GGUF stores them (little-endian).
 * The K-quant super-blocks are in {@link KQuants}, the scale searches in {@link GgmlFit}.
 */
public final class GgmlQuantizer {
    private GgmlQuantizer() {
    }

    /** One row {@code x} (a whole number of blocks) as {@code type}'s stored bytes, by the reference quantizer. */
    public static byte[] quantize(DType type, float[] x) {
        return quantize(type, x, null);
    }

    /**
     * One row as {@code type}'s bytes; {@code importance} (null, or one non-negative weight per column) selects
     * llama.cpp's importance-weighted quantizer as {@code ggml_quantize_chunk} does (Q8_0 ignores it there too).
     */
    public static byte[] quantize(DType type, float[] x, float[] importance) {
        if (type == DType.F32 || type == DType.F16 || type == DType.BF16) {
            // f16 and bf16 round to nearest even as GGML_FP32_TO_FP16 / ggml_compute_fp32_to_bf16 do
            return Encode.floats(x, type).toArray(ValueLayout.JAVA_BYTE);
        }
        if (importance != null && importance.length != x.length) {
            throw new IllegalArgumentException("importance has " + importance.length + " columns, the row " + x.length);
        }
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(x.length)).order(ByteOrder.LITTLE_ENDIAN);
        float[] qw = importance;
        int be = type.blockElements();
        // the legacy _impl variants weight by qw * sqrt(sigma2 + x²) with sigma2 the row's mean square
        float sigma2 = qw == null ? 0 : meanSquare(x);
        for (int i = 0; i < x.length; i += be) {
            switch (type) {
                case Q8_0 -> q8_0(x, i, out);
                case Q4_0 -> {
                    if (qw == null) {
                        q4_0(x, i, out);
                    } else {
                        symmetricWeighted(x, i, qw, sigma2, 8, out);
                    }
                }
                case Q5_0 -> {
                    if (qw == null) {
                        q5_0(x, i, out);
                    } else {
                        symmetricWeighted(x, i, qw, sigma2, 16, out);
                    }
                }
                case Q5_1 -> q5_1(x, i, qw, sigma2, out);
                case Q4_K -> KQuants.q45K(x, i, qw, 15, out);
                case Q5_K -> KQuants.q45K(x, i, qw, 31, out);
                case Q6_K -> KQuants.q6K(x, i, qw, out);
                default -> throw new IllegalArgumentException(type + " has no ggml quantizer here");
            }
        }
        return out.array();
    }

    /** Writes a row-major matrix ({@code cols} per row) row by row as {@code type}, each row with {@code importance}. */
    public static void writeRows(OutputStream out, DType type, float[] x, int cols, float[] importance) throws IOException {
        for (int r = 0; r < x.length / cols; r++) {
            out.write(quantize(type, Arrays.copyOfRange(x, r * cols, (r + 1) * cols), importance));
        }
    }

    /** The types {@link #quantize} writes. */
    public static boolean supports(DType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
    }

    private static float meanSquare(float[] x) {
        float sumX2 = 0;
        for (float v : x) {
            sumX2 += v * v;
        }
        return sumX2 / x.length;
    }

    /** {@code quantize_row_q8_0_ref}: d = amax / 127, q = roundf(x / d). */
    static void q8_0(float[] x, int p, ByteBuffer out) {
        float amax = 0;
        for (int j = 0; j < 32; j++) {
            amax = Math.max(amax, Math.abs(x[p + j]));
        }
        float d = amax / ((1 << 7) - 1);
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            out.put((byte) roundf(x[p + j] * id));
        }
    }

    /**
     * {@code quantize_row_q4_0_ref}: d = max / -8 where max is the signed value of largest magnitude (the first
     * one on ties), q = min(15, (int8_t)(x / d + 8.5f)); element j in the low nibble of byte j, element j + 16 in
     * its high nibble.
     */
    static void q4_0(float[] x, int p, ByteBuffer out) {
        float d = signedMax(x, p) / -8;
        float id = d != 0 ? 1.0f / d : 0.0f;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            float x0 = x[p + j] * id;
            float x1 = x[p + 16 + j] * id;
            int xi0 = Math.min(15, (int) (x0 + 8.5f));
            int xi1 = Math.min(15, (int) (x1 + 8.5f));
            out.put((byte) (xi0 | xi1 << 4));
        }
    }

    /**
     * {@code quantize_row_q5_0_ref}: as Q4_0 with d = max / -16 and 5-bit levels min(31, (int8_t)(x / d + 16.5f)),
     * the fifth bits of elements j and j + 16 at bits j and j + 16 of the little-endian qh word.
     */
    static void q5_0(float[] x, int p, ByteBuffer out) {
        float d = signedMax(x, p) / -16;
        float id = d != 0 ? 1.0f / d : 0.0f;
        int[] l = new int[32];
        for (int j = 0; j < 32; j++) {
            l[j] = Math.min(31, (byte) (int) (x[p + j] * id + 16.5f));
        }
        putQ5(Float.floatToFloat16(d), null, l, out);
    }

    /**
     * {@code quantize_row_q5_1_ref}: d = (max - min) / 31, m = min, levels (uint8_t)((x - min) / d + 0.5f); with
     * importances {@code quantize_row_q5_1_impl}: {@code make_qkx3_quants} (nmax 31) under weights qw sqrt(sigma2 + x²).
     */
    static void q5_1(float[] x, int p, float[] qw, float sigma2, ByteBuffer out) {
        int[] l = new int[32];
        if (qw != null) {
            float[] weight = new float[32];
            for (int j = 0; j < 32; j++) {
                weight[j] = qw[p + j] * (float) Math.sqrt(sigma2 + x[p + j] * x[p + j]);
            }
            float[] min = new float[1];
            float d = GgmlFit.qkx(32, 31, x, p, weight, 0, l, 0, min, 0, new int[32], -0.9f, 0.05f, 36, false);
            putQ5(Float.floatToFloat16(d), Float.floatToFloat16(-min[0]), l, out);
            return;
        }
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int j = 0; j < 32; j++) {
            float v = x[p + j];
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        float d = (max - min) / ((1 << 5) - 1);
        float id = d != 0 ? 1.0f / d : 0.0f;
        for (int j = 0; j < 32; j++) {
            l[j] = ((int) ((x[p + j] - min) * id + 0.5f)) & 0xff;
        }
        putQ5(Float.floatToFloat16(d), Float.floatToFloat16(min), l, out);
    }

    /**
     * {@code quantize_row_q4_0_impl} (nmax 8) and {@code quantize_row_q5_0_impl} (nmax 16): {@code make_qx_quants}
     * under weights qw sqrt(sigma2 + x²), levels stored as they come (0 .. 2 nmax - 1).
     */
    private static void symmetricWeighted(float[] x, int p, float[] qw, float sigma2, int nmax, ByteBuffer out) {
        float[] weight = new float[32];
        for (int j = 0; j < 32; j++) {
            weight[j] = qw[p + j] * (float) Math.sqrt(sigma2 + x[p + j] * x[p + j]);
        }
        int[] l = new int[32];
        float d = GgmlFit.qx(32, nmax, x, p, l, 0, weight, 0);
        if (nmax == 16) {
            putQ5(Float.floatToFloat16(d), null, l, out);
            return;
        }
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            out.put((byte) (l[j] | l[j + 16] << 4));
        }
    }

    /** block_q5_0 (d, qh, qs) or block_q5_1 (d, m, qh, qs) from 5-bit levels. */
    static void putQ5(short d, Short m, int[] l, ByteBuffer out) {
        out.putShort(d);
        if (m != null) {
            out.putShort(m);
        }
        int qh = 0;
        byte[] qs = new byte[16];
        for (int j = 0; j < 16; j++) {
            qs[j] = (byte) ((l[j] & 0x0F) | ((l[j + 16] & 0x0F) << 4));
            qh |= ((l[j] & 0x10) >> 4) << j;
            qh |= ((l[j + 16] & 0x10) >> 4) << (j + 16);
        }
        out.putInt(qh).put(qs);
    }

    /** The block's value of largest magnitude, signed, the first one on ties (quantize_row_q4_0_ref / q5_0_ref). */
    private static float signedMax(float[] x, int p) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[p + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /** C's roundf: halfway cases away from zero (Java's Math.round rounds them up). */
    static float roundf(float v) {
        return (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
