package dev.loupe.core.testing;

import dev.loupe.core.format.onnx.ProtoWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A fluent builder of (and breaker of) ONNX fixtures for tests (the readers' and the CLI's hostile cases), on the
 * production wire encoder {@link ProtoWriter}.
 */
public final class Pb {
    private final ProtoWriter out = new ProtoWriter();

    public Pb varint(int field, long v) {
        out.int64(field, v);
        return this;
    }

    public Pb fixed32(int field, int v) {
        out.fixed32(field, v);
        return this;
    }

    public Pb fixed64(int field, long v) {
        out.fixed64(field, v);
        return this;
    }

    public Pb str(int field, String s) {
        out.string(field, s);
        return this;
    }

    public Pb msg(int field, Pb m) {
        return len(field, m.bytes());
    }

    public Pb len(int field, byte[] b) {
        out.bytes(field, b);
        return this;
    }

    public Pb tag(int field, int wire) {
        out.tag(field, wire);
        return this;
    }

    /** A raw varint (no tag): for writing broken lengths by hand. */
    public Pb raw(long v) {
        out.varint(v);
        return this;
    }

    public Pb bytes(byte[] b) {
        out.raw(b);
        return this;
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    /** Little-endian float32 bytes. */
    public static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** A TensorProto with raw_data. */
    public static Pb rawTensor(String name, int dataType, byte[] raw, long... dims) {
        Pb t = new Pb();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, dataType).str(8, name).len(9, raw);
    }

    /** A ModelProto (ir_version 8, opset 17) around a graph. */
    public static Pb model(Pb graph) {
        return new Pb().varint(1, 8).str(2, "loupe-test").msg(8, new Pb().str(1, "").varint(2, 17)).msg(7, graph);
    }

    /** A NodeProto. */
    public static Pb node(String op, String name, String[] inputs, String[] outputs, Pb... attributes) {
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

    /** An AttributeProto holding an int (type INT). */
    public static Pb intAttribute(String name, long v) {
        return new Pb().str(1, name).varint(3, v).varint(20, 2);
    }

    /** An AttributeProto holding a graph (type GRAPH), e.g. a Loop body. */
    public static Pb graphAttribute(String name, Pb graph) {
        return new Pb().str(1, name).msg(6, graph).varint(20, 5);
    }

    /** A ValueInfoProto of a tensor of ONNX element type {@code elemType}; a negative dim is the symbolic "N". */
    public static Pb valueInfo(String name, int elemType, long... dims) {
        Pb shape = new Pb();
        for (long d : dims) {
            shape.msg(1, d < 0 ? new Pb().str(2, "N") : new Pb().varint(1, d));
        }
        return new Pb().str(1, name).msg(2, new Pb().msg(1, new Pb().varint(1, elemType).msg(2, shape)));
    }

    /**
     * A GraphProto: nodes, then initializers, inputs and outputs (ValueInfoProtos), as {@link #node}, {@link
     * #rawTensor} and {@link #valueInfo} build them.
     */
    public static Pb graph(String name, List<Pb> nodes, List<Pb> initializers, List<Pb> inputs, List<Pb> outputs) {
        Pb g = new Pb();
        nodes.forEach(n -> g.msg(1, n));
        g.str(2, name);
        initializers.forEach(t -> g.msg(5, t));
        inputs.forEach(v -> g.msg(11, v));
        outputs.forEach(v -> g.msg(12, v));
        return g;
    }

    /** Little-endian int64 bytes. */
    public static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            b.putLong(x);
        }
        return b.array();
    }
}
