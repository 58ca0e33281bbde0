package dev.loupe.landscape.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire encodings an ONNX ModelProto needs (varint, fixed32, length-delimited).
 * Hand-written like loupe-core's package-private encoder, for the same reason: protobuf-java's
 * CodedOutputStream prints an Unsafe deprecation warning on JDK 24+.
 */
final class ProtoOut {
    static final int VARINT = 0, FIXED32 = 5, LEN = 2;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    void tag(int field, int wire) {
        varint(((long) field << 3) | wire);
    }

    void varint(long v) {
        while ((v & ~0x7fL) != 0) {
            buf.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.write((int) v);
    }

    void int64(int field, long v) {
        tag(field, VARINT);
        varint(v);
    }

    void float32(int field, float f) {
        tag(field, FIXED32);
        int b = Float.floatToRawIntBits(f);
        for (int i = 0; i < 4; i++) {
            buf.write(b >>> (8 * i));
        }
    }

    void string(int field, String s) {
        bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    void bytes(int field, byte[] b) {
        tag(field, LEN);
        varint(b.length);
        buf.write(b, 0, b.length);
    }

    void message(int field, ProtoOut inner) {
        bytes(field, inner.toByteArray());
    }

    byte[] toByteArray() {
        return buf.toByteArray();
    }
}
