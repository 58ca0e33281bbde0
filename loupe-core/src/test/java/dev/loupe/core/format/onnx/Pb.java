package dev.loupe.core.format.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A tiny protobuf encoder for building (and breaking) ONNX fixtures in tests. */
final class Pb {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Pb varint(int field, long v) {
        tag(field, 0);
        raw(v);
        return this;
    }

    Pb fixed32(int field, int v) {
        tag(field, 5);
        return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    Pb fixed64(int field, long v) {
        tag(field, 1);
        return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    Pb str(int field, String s) {
        return len(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Pb msg(int field, Pb m) {
        return len(field, m.bytes());
    }

    Pb len(int field, byte[] b) {
        tag(field, 2);
        raw(b.length);
        return bytes(b);
    }

    Pb tag(int field, int wire) {
        return raw(((long) field << 3) | wire);
    }

    /** A raw varint (no tag): for writing broken lengths by hand. */
    Pb raw(long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    Pb bytes(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Little-endian float32 bytes. */
    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** A TensorProto with raw_data. */
    static Pb rawTensor(String name, int dataType, byte[] raw, long... dims) {
        Pb t = new Pb();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, dataType).str(8, name).len(9, raw);
    }

    /** A ModelProto (ir_version 8, opset 17) around a graph. */
    static Pb model(Pb graph) {
        return new Pb().varint(1, 8).str(2, "loupe-test").msg(8, new Pb().str(1, "").varint(2, 17)).msg(7, graph);
    }

    /** A NodeProto. */
    static Pb node(String op, String name, String[] inputs, String[] outputs, Pb... attributes) {
        Pb n = new Pb();
        for (String i : inputs) {
            n.str(1, i);
        }
        for (String o : outputs) {
            n.str(2, o);
        }
        n.str(3, name).str(4, op);
        for (Pb a : attributes) {
            n.msg(5, a);
        }
        return n;
    }
}
