package dev.loupe.landscape.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.landscape.onnx.OnnxModelBuilder;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;

import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The first layer of a plane computed once per batch instead of once per point. A MatMul, Gemm or Conv whose data
 * operand X depends on the data alone is linear in its weight and bias together, so at θ₀ + Σ cₖ·dₖ its output is
 * {@code f(X; W₀, b₀) + Σ cₖ·f(X; Dₖ, eₖ)} (Dₖ, eₖ: direction k over the layer's weight and bias): the k + 1 products
 * are computed once per batch, and each point's layer becomes that elementwise sum, fed to the rest of the graph as
 * its data input. Exact up to float rounding; on the Fashion-MNIST MLP (784 multiply-adds per output of fc1, 86 % of
 * the model's) a point then costs a fraction of a forward pass.
 *
 * <p>Only where valid: the layer's weight moves in some direction and feeds no other node (no weight sharing), its
 * bias is absent or an initializer read by it alone, nothing upstream of X is a weight, the rest of the graph reads
 * no data input, and the model has one data input of floats. Past {@link #MAX_BYTES} of products (by default) there is none.
 */
public final class FirstLayerProducts {
    /** Products held for all batches at most (k + 1 floats per sample per output of the layer), by default. */
    static final long MAX_BYTES = 256L << 20;
    /**
     * Multiply-adds per output of the layer at least, per product summed at each point, for {@link Use#AUTO}: a
     * point's sum streams k + 1 floats per output from memory, which costs about what a dozen multiply-adds cost in
     * a cache-blocked GEMM; a 3×3 Conv over one channel (9 per output) runs faster than its sum.
     */
    static final int MIN_FAN_IN_PER_TERM = 16;

    /** Whether to precompute the first layer. */
    public enum Use {
        /** Where valid and worth it: at least {@value #MIN_FAN_IN_PER_TERM} multiply-adds per output per product. */
        AUTO,
        /** Wherever valid. */
        ALWAYS,
        /** Never: every point runs the whole graph. */
        NEVER
    }

    private final ParameterizedModel rest;
    private final int[] tensors;
    private final Node layer;
    private final int fanIn;
    private final long[] sampleShape;
    private final float[][][] products;

    private FirstLayerProducts(ParameterizedModel rest, int[] tensors, Node layer, int fanIn, long[] sampleShape,
                               float[][][] products) {
        this.rest = rest;
        this.tensors = tensors;
        this.layer = layer;
        this.fanIn = fanIn;
        this.sampleShape = sampleShape;
        this.products = products;
    }

    /** The graph after the layer: the layer's output as its one data input, the other weights as inputs. */
    public ParameterizedModel rest() {
        return rest;
    }

    /** Per weight tensor of {@link #rest()}, its index in the whole model's layout. */
    int[] tensors() {
        return tensors.clone();
    }

    /** The precomputed node. */
    public Node layer() {
        return layer;
    }

    /** Multiply-adds per output of the layer that each point no longer does. */
    public int fanIn() {
        return fanIn;
    }

    /** Shape of one sample of the layer's output. */
    long[] sampleShape() {
        return sampleShape.clone();
    }

    /** Writes the layer's output of batch {@code b} at coordinates {@code c} into {@code dst}. */
    void combine(int b, double[] c, float[] scratch, FloatBuffer dst) {
        float[][] p = products[b];
        int n = p[0].length;
        System.arraycopy(p[0], 0, scratch, 0, n);
        for (int k = 0; k < c.length; k++) {
            float ck = (float) c[k];
            float[] pk = p[k + 1];
            for (int j = 0; j < n; j++) {
                scratch[j] += ck * pk[j];
            }
        }
        dst.clear();
        dst.put(scratch, 0, n);
    }

    /** The directions the products are along. */
    int directions() {
        return products[0].length - 1;
    }

    /** Floats per batch {@code b} of the layer's output. */
    int length(int b) {
        return products[b][0].length;
    }

    /**
     * The products for {@code m} on the batches {@code [from[b], from[b] + count[b])} of {@code data}, moving along
     * {@code dirs} from θ₀, or empty where {@code use} or validity (class comment) rules them out or they would take
     * more than {@code maxBytes} ({@link #MAX_BYTES} by default).
     */
    static Optional<FirstLayerProducts> of(ParameterizedModel m, Samples data, List<float[]> dirs, int[] from, int[] count,
                                           Use use, long maxBytes) {
        if (use == Use.NEVER || dirs.isEmpty() || data.isText() || m.dataInputs().size() != 1
                || m.dataInputs().getFirst().elemType() != OnnxModelBuilder.FLOAT) {
            return Optional.empty();
        }
        ParameterLayout l = m.layout();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < l.count(); i++) {
            index.put(l.names().get(i), i);
        }
        Map<String, Node> producer = new HashMap<>();
        Map<String, Integer> readers = new HashMap<>();
        for (Node n : m.nodes()) {
            n.outputs().forEach(o -> producer.put(o, n));
            n.inputs().forEach(i -> readers.merge(i, 1, Integer::sum));
        }
        for (Node n : m.nodes()) {
            if (!Set.of("MatMul", "Gemm", "Conv").contains(n.opType()) || !n.domain().isEmpty() || n.inputs().size() < 2
                    || n.outputs().size() != 1) {
                continue;
            }
            Integer w = index.get(n.inputs().get(1));
            List<Node> upstream = upstream(n.inputs().getFirst(), producer, index.keySet());
            if (w == null || upstream == null || !moves(l, w, dirs)) {
                continue;
            }
            String bias = n.inputs().size() > 2 && !n.opType().equals("MatMul") ? n.inputs().get(2) : "";
            boolean biasOk = bias.isEmpty() || m.fixed().containsKey(bias) || index.containsKey(bias);
            int fan = fanIn(n, l.shapes().get(w));
            if (!biasOk || readers.get(n.inputs().get(1)) != 1 || !bias.isEmpty() && readers.get(bias) != 1
                    || m.outputs().stream().anyMatch(o -> o.name().equals(n.outputs().getFirst()))
                    || use == Use.AUTO && fan < MIN_FAN_IN_PER_TERM * (dirs.size() + 1)) {
                return Optional.empty();
            }
            return build(m, data, dirs, from, count, n, upstream, w, index.get(bias), fan, maxBytes);
        }
        return Optional.empty();
    }

    /** The nodes that make {@code value} from the data, in graph order, or null when a weight is among their inputs. */
    private static List<Node> upstream(String value, Map<String, Node> producer, Set<String> weights) {
        Set<Node> seen = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(value));
        while (!todo.isEmpty()) {
            String v = todo.pop();
            if (weights.contains(v)) {
                return null;
            }
            Node p = producer.get(v);
            if (p != null && seen.add(p)) {
                todo.addAll(p.inputs().stream().filter(s -> !s.isEmpty()).toList());
            }
        }
        return new ArrayList<>(seen);
    }

    private static boolean moves(ParameterLayout l, int i, List<float[]> dirs) {
        for (float[] d : dirs) {
            for (int p = l.offset(i); p < l.offset(i + 1); p++) {
                if (d[p] != 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Multiply-adds per output element: the weight's elements over its output features. */
    private static int fanIn(Node n, long[] w) {
        long all = Arrays.stream(w).reduce(1, Math::multiplyExact);
        long outputs = switch (n.opType()) {
            case "Conv" -> w[0];
            case "Gemm" -> n.intAttribute("transB", 0) == 1 ? w[0] : w[w.length - 1];
            default -> w[w.length - 1];
        };
        return (int) Math.min(Integer.MAX_VALUE, all / Math.max(1, outputs));
    }

    private static Optional<FirstLayerProducts> build(ParameterizedModel m, Samples data, List<float[]> dirs, int[] from,
                                                      int[] count, Node layer, List<Node> upstream, int w, Integer bias,
                                                      int fan, long maxBytes) {
        // the rest: every node the outputs need, the layer's output standing in for the data
        Map<String, Node> producer = new HashMap<>();
        m.nodes().stream().filter(n -> n != layer).forEach(n -> n.outputs().forEach(o -> producer.put(o, n)));
        Set<Node> needed = new HashSet<>();
        ArrayDeque<String> todo = new ArrayDeque<>(m.outputs().stream().map(ValueType::name).toList());
        while (!todo.isEmpty()) {
            Node p = producer.get(todo.pop());
            if (p != null && needed.add(p)) {
                todo.addAll(p.inputs());
            }
        }
        List<Node> restNodes = m.nodes().stream().filter(needed::contains).toList();
        String in = m.dataInputs().getFirst().name(), out = layer.outputs().getFirst();
        if (restNodes.stream().anyMatch(n -> n.inputs().contains(in))) {
            return Optional.empty();
        }
        ParameterLayout l = m.layout();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < l.count(); i++) {
            if (i != w && (bias == null || i != bias)) {
                keep.add(i);
            }
        }
        float[][][] products = new float[from.length][][];
        long[] shape;
        try (ModelSession s = OrtSessions.open(prefix(m, dirs, layer, upstream, w, bias), m.file(),
                SessionSettings.singleThreaded().optimized())) {
            OrtEnvironment env = OrtSessions.environment();
            shape = null;
            for (int b = 0; b < from.length; b++) {
                Map<String, OnnxTensor> x = BatchInputs.of(env, m, data, from[b], count[b]);
                try (OrtSession.Result r = s.run(x)) {
                    products[b] = new float[dirs.size() + 1][];
                    for (int k = 0; k <= dirs.size(); k++) {
                        OnnxTensor t = (OnnxTensor) r.get(k);
                        products[b][k] = LossSession.floats(t);
                        if (shape == null) {
                            shape = t.getInfo().getShape();
                            long bytes = (dirs.size() + 1L) * products[b][k].length / Math.max(1, count[b]) * data.size() * 4;
                            if (bytes > maxBytes) {
                                return Optional.empty();
                            }
                        }
                    }
                } finally {
                    x.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException | RuntimeException e) {
            return Optional.empty(); // ORT rejected the split graph: the whole graph serves
        }
        long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        long[] dims = shape.clone();
        dims[0] = -1;
        Set<String> read = new HashSet<>();
        restNodes.forEach(n -> read.addAll(n.inputs()));
        Map<String, Tensor> fixed = new LinkedHashMap<>();
        m.fixed().forEach((k, v) -> {
            if (read.contains(k)) {
                fixed.put(k, v);
            }
        });
        int[] offsets = new int[keep.size() + 1];
        for (int j = 0; j < keep.size(); j++) {
            offsets[j + 1] = offsets[j] + l.length(keep.get(j));
        }
        float[] theta0 = new float[offsets[keep.size()]];
        for (int j = 0; j < keep.size(); j++) {
            System.arraycopy(m.theta0(), l.offset(keep.get(j)), theta0, offsets[j], l.length(keep.get(j)));
        }
        ParameterLayout rl = new ParameterLayout(keep.stream().map(l.names()::get).toList(),
                keep.stream().map(l.shapes()::get).toList(), offsets, keep.stream().mapToInt(i -> l.filterAxes()[i]).toArray());
        // the whole model's checkpoint stays with the whole model, which closes it
        ParameterizedModel rest = new ParameterizedModel(m.file(), restNodes, List.of(new ValueType(out, OnnxModelBuilder.FLOAT, dims)),
                m.outputs(), fixed, rl, theta0, m.opset(), m.checkpoint());
        return Optional.of(new FirstLayerProducts(rest, keep.stream().mapToInt(Integer::intValue).toArray(), layer, fan,
                sample, products));
    }

    /**
     * The graph from the data to the layer's k + 1 products: the layer at θ₀ (weights constant) and a copy per
     * direction whose weight and bias are that direction's (a fixed bias: zero, it moves in no direction).
     */
    private static byte[] prefix(ParameterizedModel m, List<float[]> dirs, Node layer, List<Node> upstream, int w, Integer bias) {
        ParameterLayout l = m.layout();
        OnnxModelBuilder b = m.builder(UnaryOperator.identity(), m.theta0());
        List<Node> keep = new ArrayList<>(m.nodes().stream().filter(upstream::contains).toList());
        keep.add(layer);
        List<String> outs = new ArrayList<>(List.of(layer.outputs().getFirst()));
        for (int k = 0; k < dirs.size(); k++) {
            List<String> inputs = new ArrayList<>(layer.inputs());
            String wk = b.fresh("direction_weight");
            b.initializer(wk, Arrays.copyOfRange(dirs.get(k), l.offset(w), l.offset(w + 1)), l.shapes().get(w));
            inputs.set(1, wk);
            if (inputs.size() > 2 && !inputs.get(2).isEmpty()) {
                String bk = b.fresh("direction_bias");
                if (bias != null) {
                    b.initializer(bk, Arrays.copyOfRange(dirs.get(k), l.offset(bias), l.offset(bias + 1)), l.shapes().get(bias));
                } else {
                    Tensor t = m.fixed().get(inputs.get(2));
                    b.initializer(bk, new float[(int) t.numel()], t.shape());
                }
                inputs.set(2, bk);
            }
            String o = b.fresh("direction_product");
            keep.add(new Node(layer.name() + "_" + o, layer.opType(), layer.domain(), inputs, List.of(o), layer.attributes()));
            outs.add(o);
        }
        OnnxModelBuilder p = b.restrictedTo(keep); // with only the initializers these nodes read
        outs.forEach(p::output);
        return p.build();
    }
}
