package dev.loupe.compress.gguf;

import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;

import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * ggml's reference quantizers (ggml/src/ggml-quants.c, {@code quantize_row_*_ref}, "reference implementation for
 * deterministic creation of model files"), ported operation for operation in float arithmetic so the bytes equal
 * llama.cpp's: the scale is computed in float, stored as f16 by round-to-nearest-even ({@code GGML_FP32_TO_FP16},
 * Java's {@link Float#floatToFloat16}), and quants use C's {@code roundf} (half away from zero) or the
 * {@code (int8_t)(x + 8.5f)} truncation the C code uses. Rows are whole blocks; the output is the block bytes as
 * GGUF stores them (little-endian).
 */
public final class GgmlQuantizer {
    private GgmlQuantizer() {
    }

    /** {@code x} (a whole number of blocks) as {@code type}'s stored bytes. */
    public static byte[] quantize(DType type, float[] x) {
        if (type == DType.F32 || type == DType.F16 || type == DType.BF16) {
            // f16 and bf16 round to nearest even as GGML_FP32_TO_FP16 / ggml_compute_fp32_to_bf16 do
            return Encode.floats(x, type).toArray(ValueLayout.JAVA_BYTE);
        }
        ByteBuffer out = ByteBuffer.allocate((int) type.byteSize(x.length)).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case Q8_0 -> {
                for (int i = 0; i < x.length; i += 32) {
                    q8_0(x, i, out);
                }
            }
            case Q4_0 -> {
                for (int i = 0; i < x.length; i += 32) {
                    q4_0(x, i, out);
                }
            }
            default -> throw new IllegalArgumentException(type + " has no reference quantizer here");
        }
        return out.array();
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
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float v = x[p + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
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

    /** C's roundf: halfway cases away from zero (Java's Math.round rounds them up). */
    static float roundf(float v) {
        return (float) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
