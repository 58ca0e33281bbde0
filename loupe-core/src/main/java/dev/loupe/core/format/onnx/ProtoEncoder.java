package dev.loupe.core.format.onnx;

import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes the few messages the writer creates (TensorProto with raw_data, NodeProto, AttributeProto).
 * A tensor is returned as pieces (header bytes, then the data segment itself) so that large weights
 * are streamed, never copied into a byte[].
 *
 * <p>Hand-written ({@link Out}, five methods) instead of protobuf-java's CodedOutputStream, which
 * uses sun.misc.Unsafe and so makes JDK 24+ print a deprecation warning on stderr at first use.
 */
final class ProtoEncoder {
    private ProtoEncoder() {
    }

    /** Field {@code field} holding a TensorProto with raw_data: header piece, then the data. */
    static List<MemorySegment> tensorField(int field, String name, DType dtype, long[] shape, MemorySegment data) {
        byte[] head = bytes(out -> {
            for (long d : shape) {
                out.writeInt64(OnnxLayout.Tensor.DIMS, d);
            }
            out.writeInt32(OnnxLayout.Tensor.DATA_TYPE, OnnxLayout.code(dtype));
            out.writeString(OnnxLayout.Tensor.NAME, name);
            out.writeTag(OnnxLayout.Tensor.RAW_DATA, ProtoReader.LEN);
            out.writeUInt64NoTag(data.byteSize());
        });
        long content = head.length + data.byteSize();
        byte[] envelope = bytes(out -> {
            out.writeTag(field, ProtoReader.LEN);
            out.writeUInt64NoTag(content);
        });
        return List.of(MemorySegment.ofArray(envelope), MemorySegment.ofArray(head), data);
    }

    /** Field {@code field} holding a NodeProto. */
    static MemorySegment nodeField(int field, Node node) {
        byte[] body = bytes(out -> {
            for (String in : node.inputs()) {
                out.writeString(OnnxLayout.Node.INPUT, in);
            }
            for (String o : node.outputs()) {
                out.writeString(OnnxLayout.Node.OUTPUT, o);
            }
            if (!node.name().isEmpty()) {
                out.writeString(OnnxLayout.Node.NAME, node.name());
            }
            out.writeString(OnnxLayout.Node.OP_TYPE, node.opType());
            for (Map.Entry<String, Object> a : node.attributes().entrySet()) {
                out.writeByteArray(OnnxLayout.Node.ATTRIBUTE, attribute(a.getKey(), a.getValue()));
            }
            if (!node.domain().isEmpty()) {
                out.writeString(OnnxLayout.Node.DOMAIN, node.domain());
            }
        });
        return MemorySegment.ofArray(bytes(out -> out.writeByteArray(field, body)));
    }

    /** GraphProto.output holding a ValueInfoProto: a float tensor named {@code name}, shape left open. */
    static MemorySegment floatOutputField(String name) {
        // TensorProto.DataType FLOAT = 1; ValueInfoProto{name = 1, type = 2}, TypeProto{tensor_type = 1}, Tensor{elem_type = 1}
        byte[] tensorType = bytes(out -> out.writeInt32(1, 1));
        byte[] type = bytes(out -> out.writeByteArray(1, tensorType));
        byte[] info = bytes(out -> {
            out.writeString(1, name);
            out.writeByteArray(2, type);
        });
        return MemorySegment.ofArray(bytes(out -> out.writeByteArray(OnnxLayout.Graph.OUTPUT, info)));
    }

    /** ModelProto.opset_import holding an OperatorSetIdProto. */
    static MemorySegment opsetField(String domain, long version) {
        byte[] body = bytes(out -> {
            out.writeString(OnnxLayout.OperatorSetId.DOMAIN, "ai.onnx".equals(domain) ? "" : domain);
            out.writeInt64(OnnxLayout.OperatorSetId.VERSION, version);
        });
        return MemorySegment.ofArray(bytes(out -> out.writeByteArray(OnnxLayout.Model.OPSET_IMPORT, body)));
    }

    /** Varint encoding of a length. */
    static MemorySegment varint(long v) {
        return MemorySegment.ofArray(bytes(out -> out.writeUInt64NoTag(v)));
    }

    private static byte[] attribute(String name, Object value) {
        return bytes(out -> {
            out.writeString(OnnxLayout.Attribute.NAME, name);
            int type = switch (value) {
                case Long l -> {
                    out.writeInt64(OnnxLayout.Attribute.I, l);
                    yield OnnxLayout.Attribute.TYPE_INT;
                }
                case Integer i -> {
                    out.writeInt64(OnnxLayout.Attribute.I, i);
                    yield OnnxLayout.Attribute.TYPE_INT;
                }
                case Double d -> {
                    out.writeFloat(OnnxLayout.Attribute.F, d.floatValue());
                    yield OnnxLayout.Attribute.TYPE_FLOAT;
                }
                case String s -> {
                    out.writeString(OnnxLayout.Attribute.S, s);
                    yield OnnxLayout.Attribute.TYPE_STRING;
                }
                case long[] ls -> {
                    for (long l : ls) {
                        out.writeInt64(OnnxLayout.Attribute.INTS, l);
                    }
                    yield OnnxLayout.Attribute.TYPE_INTS;
                }
                case double[] ds -> {
                    for (double d : ds) {
                        out.writeFloat(OnnxLayout.Attribute.FLOATS, (float) d);
                    }
                    yield OnnxLayout.Attribute.TYPE_FLOATS;
                }
                case String[] ss -> {
                    for (String s : ss) {
                        out.writeString(OnnxLayout.Attribute.STRINGS, s);
                    }
                    yield OnnxLayout.Attribute.TYPE_STRINGS;
                }
                case Tensor t -> {
                    List<MemorySegment> pieces = tensorField(OnnxLayout.Attribute.T, t.name(), t.dtype(), t.shape(), t.storedBytes());
                    List<byte[]> parts = new ArrayList<>();
                    pieces.forEach(p -> parts.add(p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
                    for (byte[] p : parts) {
                        out.writeRawBytes(p);
                    }
                    yield OnnxLayout.Attribute.TYPE_TENSOR;
                }
                case Graph g -> throw new IllegalArgumentException("writing graph attributes is not supported (" + name + ")");
                default -> throw new IllegalArgumentException("attribute '" + name + "' has unsupported value " + value.getClass());
            };
            out.writeInt32(OnnxLayout.Attribute.TYPE, type);
        });
    }

    private interface Body {
        void write(Out out);
    }

    private static byte[] bytes(Body body) {
        Out out = new Out();
        body.write(out);
        return out.buf.toByteArray();
    }

    /** The protobuf wire encodings the writer needs. */
    private static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        void writeTag(int field, int wire) {
            writeUInt64NoTag(((long) field << 3) | wire);
        }

        void writeUInt64NoTag(long v) {
            while ((v & ~0x7fL) != 0) {
                buf.write((int) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
        }

        void writeInt64(int field, long v) {
            writeTag(field, ProtoReader.VARINT);
            writeUInt64NoTag(v);
        }

        /** int32 is sign-extended to 64 bits on the wire, as protobuf does. */
        void writeInt32(int field, int v) {
            writeInt64(field, v);
        }

        void writeFloat(int field, float f) {
            writeTag(field, ProtoReader.FIXED32);
            int b = Float.floatToRawIntBits(f);
            for (int i = 0; i < 4; i++) {
                buf.write(b >>> (8 * i));
            }
        }

        void writeString(int field, String s) {
            writeByteArray(field, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        void writeByteArray(int field, byte[] b) {
            writeTag(field, ProtoReader.LEN);
            writeUInt64NoTag(b.length);
            writeRawBytes(b);
        }

        void writeRawBytes(byte[] b) {
            buf.write(b, 0, b.length);
        }
    }
}
