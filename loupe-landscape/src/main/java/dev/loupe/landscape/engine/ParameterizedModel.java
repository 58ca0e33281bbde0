package dev.loupe.landscape.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model taken apart so its trainable weights become graph inputs: then one ORT session
 * evaluates the model at any point θ of weight space, with no session rebuilt per point (the issue
 * author measured ≈ 2 ms extra per run with ORT 1.23.2; re-creating a session costs 0.2–0.6 s).
 *
 * <p>Trainable weights are the main graph's float32 initializers with at least one element, except
 * BatchNormalization running mean and variance (buffers, not parameters, as in PyTorch's
 * {@code parameters()} which Li et al. and PyHessian perturb).
 */
public record ParameterizedModel(Path file, List<Node> nodes, List<ValueType> dataInputs, List<ValueType> outputs,
                                 Map<String, Tensor> fixed, ParameterLayout layout, float[] theta0, long opset,
                                 Checkpoint checkpoint) implements AutoCloseable {

    /** Opens {@code file} and splits its initializers into trainable weights and fixed tensors. */
    public static ParameterizedModel open(Path file) {
        return open(file, name -> true);
    }

    /** As {@link #open(Path)}, moving only the trainable weights whose name passes {@code include}. */
    public static ParameterizedModel open(Path file, java.util.function.Predicate<String> include) {
        Checkpoint ckpt = Checkpoints.open(file);
        try {
            Graph g = ckpt.graph().orElseThrow(() -> new LoupeException(file, "has no computation graph (not an ONNX model)"));
            Set<String> buffers = new HashSet<>();
            for (Node n : g.nodes()) {
                if (n.opType().equals("BatchNormalization") && n.inputs().size() >= 5) {
                    buffers.add(n.inputs().get(3));
                    buffers.add(n.inputs().get(4));
                }
                if (n.attributes().values().stream().anyMatch(v -> v instanceof Graph || v instanceof List<?>)) {
                    throw new LoupeException(file, "node '" + n.name() + "' (" + n.opType() + ") has a subgraph; control flow is not supported");
                }
            }
            Set<String> inits = new HashSet<>(g.initializers());
            List<String> names = new ArrayList<>();
            List<long[]> shapes = new ArrayList<>();
            List<Integer> axes = new ArrayList<>();
            List<Tensor> params = new ArrayList<>();
            Map<String, Tensor> fixed = new LinkedHashMap<>();
            for (Tensor t : ckpt.tensors()) {
                if (!inits.contains(t.name())) {
                    continue; // a Constant node's value or a subgraph weight: stays in the nodes
                }
                if (t.dtype() == DType.F32 && t.numel() > 0 && !buffers.contains(t.name()) && include.test(t.name())) {
                    names.add(t.name());
                    shapes.add(t.shape());
                    axes.add(filterAxis(g, t));
                    params.add(t);
                } else {
                    fixed.put(t.name(), t);
                }
            }
            if (params.isEmpty()) {
                throw new LoupeException(file, "has no float32 weights to move through (or none matches the selection)");
            }
            int[] offsets = new int[params.size() + 1];
            for (int i = 0; i < params.size(); i++) {
                long next = offsets[i] + params.get(i).numel();
                if (next > Integer.MAX_VALUE - 8) {
                    throw new LoupeException(file, "has more than 2^31 weights; landscapes of models this large are not supported");
                }
                offsets[i + 1] = (int) next;
            }
            float[] theta = new float[offsets[params.size()]];
            for (int i = 0; i < params.size(); i++) {
                params.get(i).readFloats(0, theta, offsets[i], (int) params.get(i).numel());
            }
            int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
            ParameterLayout layout = new ParameterLayout(names, shapes, offsets, ax);
            List<ValueType>[] io = describe(file, inits);
            long opset = opset(ckpt.metadata().getOrDefault("opset_import", ""));
            return new ParameterizedModel(file, g.nodes(), io[0], io[1], fixed, layout, theta, opset, ckpt);
        } catch (RuntimeException e) {
            ckpt.close();
            throw e;
        }
    }

    /** A builder holding the data inputs, the weights as float inputs, the fixed initializers and all nodes. */
    public OnnxModelBuilder builder() {
        return builder(java.util.function.UnaryOperator.identity());
    }

    /** As {@link #builder()}, with every node passed through {@code rewrite} (e.g. to add an output). */
    public OnnxModelBuilder builder(java.util.function.UnaryOperator<Node> rewrite) {
        return builder(rewrite, null);
    }

    /**
     * As {@link #builder(java.util.function.UnaryOperator)}; with {@code at} non-null the weights are initializers
     * holding those values instead of inputs, for work at one fixed point (the Hessian at θ): ONNX Runtime then
     * folds and pre-packs whatever depends on the weights alone and picks its constant-weight convolution kernels.
     */
    public OnnxModelBuilder builder(java.util.function.UnaryOperator<Node> rewrite, float[] at) {
        OnnxModelBuilder b = new OnnxModelBuilder(opset);
        for (ValueType v : dataInputs) {
            b.input(v.name(), v.elemType(), v.dims());
        }
        for (int i = 0; i < layout.count(); i++) {
            if (at == null) {
                b.input(layout.names().get(i), OnnxModelBuilder.FLOAT, layout.shapes().get(i));
            } else {
                b.initializer(layout.names().get(i), java.util.Arrays.copyOfRange(at, layout.offset(i), layout.offset(i) + layout.length(i)),
                        layout.shapes().get(i));
            }
        }
        for (Tensor t : fixed.values()) {
            b.initializer(t.name(), code(t), t.storedBytes().toArray(ValueLayout.JAVA_BYTE), t.shape());
        }
        nodes.forEach(n -> b.node(rewrite.apply(n)));
        return b;
    }

    /** The model with weights as inputs and its original outputs. */
    public byte[] forwardModel() {
        OnnxModelBuilder b = builder();
        for (ValueType o : outputs) {
            b.output(o.name(), o.elemType(), o.dims());
        }
        return b.build();
    }

    @Override
    public void close() {
        checkpoint.close();
    }

    private static int filterAxis(Graph g, Tensor t) {
        for (Node n : g.nodes()) {
            if (n.opType().equals("MatMul") && n.inputs().size() == 2 && n.inputs().get(1).equals(t.name())) {
                return Math.max(0, t.rank() - 1);
            }
            if (n.opType().equals("Gemm") && n.inputs().size() >= 2 && n.inputs().get(1).equals(t.name())
                    && n.intAttribute("transB", 0) == 0) {
                return Math.max(0, t.rank() - 1);
            }
        }
        return 0;
    }

    /** The ONNX TensorProto data type of {@code t}. */
    static int code(Tensor t) {
        return switch (t.dtype()) {
            case F32 -> 1;
            case U8 -> 2;
            case I8 -> 3;
            case I32 -> 6;
            case I64 -> 7;
            case BOOL -> 9;
            case F16 -> 10;
            case F64 -> 11;
            default -> throw new LoupeException(t.file(), "initializer '" + t.name() + "' of type " + t.dtype() + " is not supported here");
        };
    }

    private static long opset(String imports) {
        for (String part : imports.split(",")) {
            String[] kv = part.split(":");
            if (kv.length == 2 && (kv[0].equals("ai.onnx") || kv[0].isEmpty())) {
                return Long.parseLong(kv[1].trim());
            }
        }
        return 13;
    }

    /** Data inputs and outputs with types, as ONNX Runtime reads them from the original model. */
    @SuppressWarnings("unchecked")
    private static List<ValueType>[] describe(Path file, Set<String> initializers) {
        try (ModelSession s = OrtSessions.open(file, SessionSettings.defaults())) {
            List<ValueType> ins = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> e : s.getInputInfo().entrySet()) {
                if (!initializers.contains(e.getKey())) {
                    ins.add(type(file, e.getKey(), e.getValue()));
                }
            }
            List<ValueType> outs = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> e : s.getOutputInfo().entrySet()) {
                outs.add(type(file, e.getKey(), e.getValue()));
            }
            return new List[]{ins, outs};
        } catch (OrtException e) {
            throw new LoupeException(file, "ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    private static ValueType type(Path file, String name, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo ti)) {
            throw new LoupeException(file, "input/output '" + name + "' is not a tensor");
        }
        // ORT Java's OnnxTensorType numbers its constants its own way (UINT8=1, FLOAT=8), so map by name to ONNX codes
        int code = switch (ti.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "")) {
            case "FLOAT" -> 1;
            case "UINT8" -> 2;
            case "INT8" -> 3;
            case "INT32" -> 6;
            case "INT64" -> 7;
            case "BOOL" -> 9;
            case "FLOAT16" -> 10;
            case "DOUBLE" -> 11;
            default -> throw new LoupeException(file, "input/output '" + name + "' has unsupported type " + ti.onnxType);
        };
        return new ValueType(name, code, ti.getShape());
    }
}
