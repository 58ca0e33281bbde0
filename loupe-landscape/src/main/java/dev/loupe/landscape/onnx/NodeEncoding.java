package dev.loupe.landscape.onnx;

import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * NodeProto and AttributeProto encoding (NodeProto input=1 output=2 name=3 op_type=4 attribute=5
 * domain=7; AttributeProto name=1 f=2 i=3 s=4 t=5 floats=7 ints=8 strings=9 type=20).
 */
final class NodeEncoding {
    private static final int TYPE_FLOAT = 1, TYPE_INT = 2, TYPE_STRING = 3, TYPE_TENSOR = 4, TYPE_FLOATS = 6,
            TYPE_INTS = 7, TYPE_STRINGS = 8;

    private NodeEncoding() {
    }

    static ProtoOut node(Node n) {
        ProtoOut out = new ProtoOut();
        for (String in : n.inputs()) {
            out.string(1, in);
        }
        for (String o : n.outputs()) {
            out.string(2, o);
        }
        if (!n.name().isEmpty()) {
            out.string(3, n.name());
        }
        out.string(4, n.opType());
        for (Map.Entry<String, Object> a : n.attributes().entrySet()) {
            out.message(5, attribute(n, a.getKey(), a.getValue()));
        }
        if (!n.domain().isEmpty()) {
            out.string(7, n.domain());
        }
        return out;
    }

    private static ProtoOut attribute(Node n, String name, Object value) {
        ProtoOut out = new ProtoOut();
        out.string(1, name);
        int type = switch (value) {
            case Long l -> {
                out.int64(3, l);
                yield TYPE_INT;
            }
            case Integer i -> {
                out.int64(3, i);
                yield TYPE_INT;
            }
            case Double d -> {
                out.float32(2, d.floatValue());
                yield TYPE_FLOAT;
            }
            case String s -> {
                out.string(4, s);
                yield TYPE_STRING;
            }
            case long[] ls -> {
                for (long l : ls) {
                    out.int64(8, l);
                }
                yield TYPE_INTS;
            }
            case double[] ds -> {
                for (double d : ds) {
                    out.float32(7, (float) d);
                }
                yield TYPE_FLOATS;
            }
            case String[] ss -> {
                for (String s : ss) {
                    out.string(9, s);
                }
                yield TYPE_STRINGS;
            }
            case Tensor t -> {
                out.message(5, tensor(t));
                yield TYPE_TENSOR;
            }
            case Graph g -> throw new LoupeException("node '" + n.name() + "' (" + n.opType()
                    + ") has a subgraph; models with control flow are not supported here");
            default -> throw new LoupeException("node '" + n.name() + "' attribute '" + name + "' has an unsupported type");
        };
        out.int64(20, type);
        return out;
    }

    private static ProtoOut tensor(Tensor t) {
        ProtoOut tp = new ProtoOut();
        for (long d : t.shape()) {
            tp.int64(1, d);
        }
        tp.int64(2, code(t.dtype()));
        tp.string(8, t.name());
        tp.bytes(9, t.storedBytes().toArray(ValueLayout.JAVA_BYTE));
        return tp;
    }

    static int code(DType t) {
        return switch (t) {
            case F32 -> 1;
            case U8 -> 2;
            case I8 -> 3;
            case U16 -> 4;
            case I16 -> 5;
            case I32 -> 6;
            case I64 -> 7;
            case BOOL -> 9;
            case F16 -> 10;
            case F64 -> 11;
            case U32 -> 12;
            case U64 -> 13;
            case BF16 -> 16;
            default -> throw new LoupeException("tensor type " + t + " cannot be written into a rewritten model");
        };
    }
}
