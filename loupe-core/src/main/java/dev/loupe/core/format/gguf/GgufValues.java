package dev.loupe.core.format.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Factories for the metadata values a GGUF writer sets (scalars and the tokenizer's arrays). */
public final class GgufValues {
    private GgufValues() {
    }

    public static GgufValue str(String s) {
        return new GgufValue.Str(s);
    }

    public static GgufValue u32(long v) {
        return new GgufValue.Int(GgufValueType.UINT32, v);
    }

    public static GgufValue i32(long v) {
        return new GgufValue.Int(GgufValueType.INT32, v);
    }

    public static GgufValue f32(double v) {
        return new GgufValue.Real(GgufValueType.FLOAT32, (float) v);
    }

    public static GgufValue bool(boolean b) {
        return new GgufValue.Bool(b);
    }

    public static GgufValue strings(List<String> values) {
        return new GgufValue.ValueArray(GgufValueType.STRING, values.stream().map(GgufValues::str).toList());
    }

    public static GgufValue f32s(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return new GgufValue.FixedArray(GgufValueType.FLOAT32, b.array());
    }

    public static GgufValue i32s(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return new GgufValue.FixedArray(GgufValueType.INT32, b.array());
    }
}
