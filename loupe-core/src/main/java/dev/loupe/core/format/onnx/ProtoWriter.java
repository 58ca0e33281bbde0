package dev.loupe.core.format.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire encodings ONNX messages need (varint, fixed32/64, length-delimited), the one encoder for every
 * caller: the ONNX writer's {@link ProtoEncoder}, loupe-landscape's gradient-graph builder and the tests' fixture
 * builder. Hand-written instead of protobuf-java's CodedOutputStream, which uses sun.misc.Unsafe and so makes JDK 24+
 * print a deprecation warning on stderr at first use; the reading side is {@link ProtoReader}.
 */
public final class ProtoWriter {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    /** A field key: {@code field << 3 | wire} (wire type 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
    public ProtoWriter tag(int field, int wire) {
        return varint(((long) field << 3) | wire);
    }

    /** A varint without a tag (a length, or a broken one in a test). */
    public ProtoWriter varint(long v) {
        while ((v & ~0x7fL) != 0) {
            buf.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        buf.write((int) v);
        return this;
    }

    /** An int64 or int32 field (int32 is sign-extended to 64 bits on the wire, as protobuf does). */
    public ProtoWriter int64(int field, long v) {
        return tag(field, ProtoReader.VARINT).varint(v);
    }

    public ProtoWriter float32(int field, float f) {
        return fixed32(field, Float.floatToRawIntBits(f));
    }

    public ProtoWriter fixed32(int field, int bits) {
        tag(field, ProtoReader.FIXED32);
        for (int i = 0; i < 4; i++) {
            buf.write(bits >>> (8 * i));
        }
        return this;
    }

    public ProtoWriter fixed64(int field, long bits) {
        tag(field, ProtoReader.FIXED64);
        for (int i = 0; i < 8; i++) {
            buf.write((int) (bits >>> (8 * i)));
        }
        return this;
    }

    public ProtoWriter string(int field, String s) {
        return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    /** A length-delimited field. */
    public ProtoWriter bytes(int field, byte[] b) {
        return tag(field, ProtoReader.LEN).varint(b.length).raw(b);
    }

    /** An embedded message. */
    public ProtoWriter message(int field, ProtoWriter inner) {
        return bytes(field, inner.toByteArray());
    }

    /** Bytes as they are (already encoded fields). */
    public ProtoWriter raw(byte[] b) {
        buf.write(b, 0, b.length);
        return this;
    }

    public byte[] toByteArray() {
        return buf.toByteArray();
    }
}
