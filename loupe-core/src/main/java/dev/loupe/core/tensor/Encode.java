package dev.loupe.core.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Floats (and small integer codes) to little-endian stored bytes. */
public final class Encode {
    private Encode() {
    }

    /** {@code values} stored as {@code dtype} (F64, F32, F16 or BF16; round to nearest even). */
    public static MemorySegment floats(float[] values, DType dtype) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.elementBytes())).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F64 -> {
                for (float v : values) {
                    b.putDouble(v);
                }
            }
            case F32 -> b.asFloatBuffer().put(values);
            case F16 -> {
                for (float v : values) {
                    b.putShort(Float.floatToFloat16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    b.putShort(bf16(v));
                }
            }
            default -> throw new IllegalArgumentException("cannot encode floats as " + dtype);
        }
        return MemorySegment.ofArray(b.array());
    }

    /** Codes as one byte each (I8 or U8: the caller has checked the range). */
    public static MemorySegment bytes(int[] codes) {
        byte[] out = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) {
            out[i] = (byte) codes[i];
        }
        return MemorySegment.ofArray(out);
    }

    /** Round-to-nearest-even float to bfloat16 (NaN stays a quiet NaN). */
    public static short bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
