package dev.loupe.core.format.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * Encodes the few messages the writer creates (TensorProto with raw_data, NodeProto, AttributeProto).
 * A tensor is returned as pieces (header bytes, then the data segment itself) so that large weights
 * are streamed, never copied into a byte[].
 *
 * <p>The wire encoding is {@link ProtoWriter}'s. {@link #node} is public for loupe-landscape, which builds whole
 * gradient graphs in memory.
 */
public final class ProtoEncoder {
    private ProtoEncoder() {
    }

    /** Field {@code field} holding a TensorProto with raw_data: header piece, then the data. */
    static List<MemorySegment> tensorField(int field, String name, DType dtype, long[] shape, MemorySegment data) {
        byte[] head = bytes(out -> {
            for (long d : shape) {
                out.int64(OnnxLayout.Tensor.DIMS, d);
            }
            out.int64(OnnxLayout.Tensor.DATA_TYPE, OnnxLayout.code(dtype));
            out.string(OnnxLayout.Tensor.NAME, name);
            out.tag(OnnxLayout.Tensor.RAW_DATA, ProtoReader.LEN);
            out.varint(data.byteSize());
        });
        long content = head.length + data.byteSize();
        byte[] envelope = bytes(out -> {
            out.tag(field, ProtoReader.LEN);
            out.varint(content);
        });
        return List.of(MemorySegment.ofArray(envelope), MemorySegment.ofArray(head), data);
    }

    /** Field {@code field} holding a NodeProto. */
    static MemorySegment nodeField(int field, Node node) {
        return MemorySegment.ofArray(new ProtoWriter().message(field, node(node)).toByteArray());
    }

    /**
     * A NodeProto (input=1 output=2 name=3 op_type=4 attribute=5 domain=7) with its attributes; a subgraph attribute
     * (If, Loop, Scan) is refused as a user-facing error: rewriting control flow is not supported.
     */
    public static ProtoWriter node(Node node) {
        ProtoWriter out = new ProtoWriter();
        for (String in : node.inputs()) {
            out.string(OnnxLayout.Node.INPUT, in);
        }
        for (String o : node.outputs()) {
            out.string(OnnxLayout.Node.OUTPUT, o);
        }
        if (!node.name().isEmpty()) {
            out.string(OnnxLayout.Node.NAME, node.name());
        }
        out.string(OnnxLayout.Node.OP_TYPE, node.opType());
        for (Map.Entry<String, Object> a : node.attributes().entrySet()) {
            out.bytes(OnnxLayout.Node.ATTRIBUTE, attribute(node, a.getKey(), a.getValue()));
        }
        if (!node.domain().isEmpty()) {
            out.string(OnnxLayout.Node.DOMAIN, node.domain());
        }
        return out;
    }

    /** GraphProto.output holding a ValueInfoProto: a float tensor named {@code name}, shape left open. */
    static MemorySegment floatOutputField(String name) {
        // TensorProto.DataType FLOAT = 1; ValueInfoProto{name = 1, type = 2}, TypeProto{tensor_type = 1}, Tensor{elem_type = 1}
        byte[] tensorType = bytes(out -> out.int64(1, 1));
        byte[] type = bytes(out -> out.bytes(1, tensorType));
        byte[] info = bytes(out -> {
            out.string(1, name);
            out.bytes(2, type);
        });
        return MemorySegment.ofArray(bytes(out -> out.bytes(OnnxLayout.Graph.OUTPUT, info)));
    }

    /** ModelProto.opset_import holding an OperatorSetIdProto. */
    static MemorySegment opsetField(String domain, long version) {
        byte[] body = bytes(out -> {
            out.string(OnnxLayout.OperatorSetId.DOMAIN, "ai.onnx".equals(domain) ? "" : domain);
            out.int64(OnnxLayout.OperatorSetId.VERSION, version);
        });
        return MemorySegment.ofArray(bytes(out -> out.bytes(OnnxLayout.Model.OPSET_IMPORT, body)));
    }

    /** Varint encoding of a length. */
    static MemorySegment varint(long v) {
        return MemorySegment.ofArray(bytes(out -> out.varint(v)));
    }

    private static byte[] attribute(Node node, String name, Object value) {
        return bytes(out -> {
            out.string(OnnxLayout.Attribute.NAME, name);
            int type = switch (value) {
                case Long l -> {
                    out.int64(OnnxLayout.Attribute.I, l);
                    yield OnnxLayout.Attribute.TYPE_INT;
                }
                case Integer i -> {
                    out.int64(OnnxLayout.Attribute.I, i);
                    yield OnnxLayout.Attribute.TYPE_INT;
                }
                case Double d -> {
                    out.float32(OnnxLayout.Attribute.F, d.floatValue());
                    yield OnnxLayout.Attribute.TYPE_FLOAT;
                }
                case String s -> {
                    out.string(OnnxLayout.Attribute.S, s);
                    yield OnnxLayout.Attribute.TYPE_STRING;
                }
                case long[] ls -> {
                    for (long l : ls) {
                        out.int64(OnnxLayout.Attribute.INTS, l);
                    }
                    yield OnnxLayout.Attribute.TYPE_INTS;
                }
                case double[] ds -> {
                    for (double d : ds) {
                        out.float32(OnnxLayout.Attribute.FLOATS, (float) d);
                    }
                    yield OnnxLayout.Attribute.TYPE_FLOATS;
                }
                case String[] ss -> {
                    for (String s : ss) {
                        out.string(OnnxLayout.Attribute.STRINGS, s);
                    }
                    yield OnnxLayout.Attribute.TYPE_STRINGS;
                }
                case Tensor t -> {
                    for (MemorySegment p : tensorField(OnnxLayout.Attribute.T, t.name(), t.dtype(), t.shape(), t.storedBytes())) {
                        out.raw(p.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                    }
                    yield OnnxLayout.Attribute.TYPE_TENSOR;
                }
                case Graph g -> throw new LoupeException("node '" + node.name() + "' (" + node.opType()
                        + ") has a subgraph; models with control flow cannot be rewritten");
                default -> throw new IllegalArgumentException("node '" + node.name() + "' attribute '" + name + "' has unsupported value " + value.getClass());
            };
            out.int64(OnnxLayout.Attribute.TYPE, type);
        });
    }

    private static byte[] bytes(java.util.function.Consumer<ProtoWriter> body) {
        ProtoWriter out = new ProtoWriter();
        body.accept(out);
        return out.toByteArray();
    }
}
