package dev.loupe.landscape.onnx;

import dev.loupe.core.format.onnx.ProtoEncoder;
import dev.loupe.core.format.onnx.ProtoWriter;
import dev.loupe.core.graph.Node;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX ModelProto in memory: typed graph inputs and outputs, float/int64 initializers and
 * nodes in the order given (which must be topological). Used to re-emit a model with its weights as
 * graph inputs and a gradient graph appended, and by tests to make small models with known answers.
 *
 * <p>Field numbers are those of onnx.proto (see loupe-core's OnnxLayout): ModelProto ir_version=1,
 * graph=7, opset_import=8; GraphProto node=1, name=2, initializer=5, input=11, output=12;
 * ValueInfoProto name=1, type=2; TypeProto tensor_type=1; TypeProto.Tensor elem_type=1, shape=2;
 * TensorShapeProto dim=1; Dimension dim_value=1, dim_param=2.
 */
public final class OnnxModelBuilder {
    /** ONNX TensorProto.DataType codes used here. */
    public static final int FLOAT = 1, INT64 = 7;

    /** elemType 0: name only (ORT infers the type); ownSymbols: every negative dim gets a symbol of its own. */
    private record Value(String name, int elemType, long[] dims, boolean ownSymbols) {
        Value(String name, int elemType, long[] dims) {
            this(name, elemType, dims, false);
        }
    }

    private record Init(String name, int elemType, long[] dims, byte[] raw) {
    }

    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final List<Init> initializers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Long> opsets = new LinkedHashMap<>();
    private int fresh;

    public OnnxModelBuilder(long opset) {
        opsets.put("", opset);
    }

    /** Imports another domain (e.g. "com.microsoft"). */
    public OnnxModelBuilder opset(String domain, long version) {
        opsets.put(domain, version);
        return this;
    }

    /** A graph input; a negative dimension is symbolic ("N"). */
    public OnnxModelBuilder input(String name, int elemType, long... dims) {
        inputs.add(new Value(name, elemType, dims.clone()));
        return this;
    }

    /**
     * A graph input of known rank whose negative dims are symbols of their own (no equality with other inputs' axes
     * implied): for tensors one model hands another.
     */
    public OnnxModelBuilder inputOwnSymbols(String name, int elemType, long... dims) {
        inputs.add(new Value(name, elemType, dims.clone(), true));
        return this;
    }

    /** A graph output whose type and shape ONNX Runtime infers from the node that makes it. */
    public OnnxModelBuilder output(String name) {
        outputs.add(new Value(name, 0, new long[0]));
        return this;
    }

    /** Whether {@code name} is an initializer of this builder. */
    public boolean isInitializer(String name) {
        return initializers.stream().anyMatch(i -> i.name().equals(name));
    }

    /** The dims of initializer {@code name}, or null when there is none of that name. */
    public long[] initializerDims(String name) {
        return initializers.stream().filter(i -> i.name().equals(name)).findFirst().map(i -> i.dims().clone()).orElse(null);
    }

    /** The contents of an int64 initializer of at most {@code max} entries, or null (none, another type, larger). */
    public long[] int64Values(String name, int max) {
        for (Init i : initializers) {
            if (i.name().equals(name)) {
                if (i.elemType() != INT64 || i.raw().length / 8 > max) {
                    return null;
                }
                long[] v = new long[i.raw().length / 8];
                ByteBuffer.wrap(i.raw()).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
                return v;
            }
        }
        return null;
    }

    /** Whether {@code name} is a graph input of this builder. */
    public boolean isInput(String name) {
        return inputs.stream().anyMatch(i -> i.name().equals(name));
    }

    /**
     * A builder of the same opsets holding only {@code keep} (in the order given) and the graph inputs and
     * initializers those nodes read; no outputs.
     */
    public OnnxModelBuilder restrictedTo(List<Node> keep) {
        java.util.Set<String> read = new java.util.HashSet<>();
        keep.forEach(n -> read.addAll(n.inputs()));
        OnnxModelBuilder r = new OnnxModelBuilder(0);
        r.opsets.putAll(opsets);
        inputs.stream().filter(v -> read.contains(v.name())).forEach(r.inputs::add);
        initializers.stream().filter(i -> read.contains(i.name())).forEach(r.initializers::add);
        r.nodes.addAll(keep);
        r.fresh = fresh;
        return r;
    }

    public OnnxModelBuilder output(String name, int elemType, long... dims) {
        outputs.add(new Value(name, elemType, dims.clone()));
        return this;
    }

    public OnnxModelBuilder initializer(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        initializers.add(new Init(name, FLOAT, dims.clone(), b.array()));
        return this;
    }

    public OnnxModelBuilder initializer(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        initializers.add(new Init(name, INT64, dims.clone(), b.array()));
        return this;
    }

    /** An initializer from raw little-endian bytes of an ONNX data type. */
    public OnnxModelBuilder initializer(String name, int elemType, byte[] raw, long... dims) {
        initializers.add(new Init(name, elemType, dims.clone(), raw));
        return this;
    }

    public OnnxModelBuilder node(Node node) {
        nodes.add(node);
        return this;
    }

    /** Adds a default-domain node with one output, named fresh, and returns that name. */
    public String op(String opType, Map<String, Object> attributes, String... inputNames) {
        String out = fresh(opType);
        nodes.add(new Node(out, opType, "", List.of(inputNames), List.of(out), attributes));
        return out;
    }

    public String op(String opType, String... inputNames) {
        return op(opType, Map.of(), inputNames);
    }

    /** The nodes added so far, in order (a snapshot). */
    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** A name not used before in this builder. */
    public String fresh(String hint) {
        return "loupe_" + hint + "_" + (fresh++);
    }

    public byte[] build() {
        ProtoWriter graph = new ProtoWriter();
        for (Node n : nodes) {
            graph.message(1, ProtoEncoder.node(n));
        }
        graph.string(2, "loupe");
        for (Init t : initializers) {
            ProtoWriter tp = new ProtoWriter();
            for (long d : t.dims()) {
                tp.int64(1, d);
            }
            tp.int64(2, t.elemType());
            tp.string(8, t.name());
            tp.bytes(9, t.raw());
            graph.message(5, tp);
        }
        for (Value v : inputs) {
            graph.message(11, valueInfo(v));
        }
        for (Value v : outputs) {
            graph.message(12, valueInfo(v));
        }
        ProtoWriter model = new ProtoWriter();
        model.int64(1, 8);
        model.string(2, "loupe");
        model.message(7, graph);
        for (Map.Entry<String, Long> o : opsets.entrySet()) {
            ProtoWriter os = new ProtoWriter();
            os.string(1, o.getKey());
            os.int64(2, o.getValue());
            model.message(8, os);
        }
        return model.toByteArray();
    }

    private static ProtoWriter valueInfo(Value v) {
        if (v.elemType() == 0) {
            ProtoWriter info = new ProtoWriter();
            info.string(1, v.name());
            return info;
        }
        ProtoWriter shape = new ProtoWriter();
        for (int i = 0; i < v.dims().length; i++) {
            long d = v.dims()[i];
            ProtoWriter dim = new ProtoWriter();
            if (d < 0 && v.ownSymbols()) {
                dim.string(2, v.name() + "_d" + i);
            } else if (d < 0) { // the leading axis is the batch everywhere; other symbolic axes (sequence length) get their own name
                dim.string(2, i == 0 ? "N" : "N" + i);
            } else {
                dim.int64(1, d);
            }
            shape.message(1, dim);
        }
        ProtoWriter tensor = new ProtoWriter();
        tensor.int64(1, v.elemType());
        tensor.message(2, shape);
        ProtoWriter type = new ProtoWriter();
        type.message(1, tensor);
        ProtoWriter info = new ProtoWriter();
        info.string(1, v.name());
        info.message(2, type);
        return info;
    }
}
