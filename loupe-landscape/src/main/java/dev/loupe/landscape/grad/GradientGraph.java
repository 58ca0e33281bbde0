package dev.loupe.landscape.grad;

import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterLayout;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode differentiation of an ONNX graph, written as more ONNX nodes: the model gets the loss
 * appended and a backward pass after it, and outputs the batch's summed loss ({@link #LOSS}) and the
 * gradient of that sum for every weight ({@link #gradName}). One ORT session then yields exact
 * gradients at any θ. Supported ops are listed in {@link BackwardRules} and {@link LayoutRules}; anything
 * else is refused with "unsupported op X for gradients" before ORT sees the model.
 *
 * <p>The loss: cross-entropy takes a one-hot [batch, classes] input {@link #ONEHOT}; its sum over the
 * batch has gradient softmax(z) − onehot with respect to the logits z. MSE takes {@link #TARGETS}
 * [batch, width]; Σ‖y − t‖²/width has gradient 2(y − t)/width. A model-output loss is
 * differentiated from a seed of 1.
 */
public final class GradientGraph {
    public static final String LOSS = "loupe_loss_sum", ONEHOT = "loupe_onehot", TARGETS = "loupe_targets";

    private GradientGraph() {
    }

    public static String gradName(int param) {
        return "loupe_grad_" + param;
    }

    /** The model bytes; {@code classesOrWidth} is the logits' class count (CE) or the target width (MSE). */
    public static byte[] build(ParameterizedModel m, LossKind kind, int classesOrWidth) {
        return builder(m, kind, classesOrWidth).build();
    }

    /** The builder holding the forward graph, loss, backward graph and outputs (for further rewriting). */
    public static OnnxModelBuilder builder(ParameterizedModel m, LossKind kind, int classesOrWidth) {
        return builder(m, kind, classesOrWidth, null);
    }

    /** As {@link #builder(ParameterizedModel, LossKind, int)}, the weights constants of value {@code at} unless null. */
    static OnnxModelBuilder builder(ParameterizedModel m, LossKind kind, int classesOrWidth, float[] at) {
        return emitter(m, kind, classesOrWidth, at).b;
    }

    /** As {@link #builder(ParameterizedModel, LossKind, int, float[])}, with the emitter (its builder and tangent macros). */
    static Emit emitter(ParameterizedModel m, LossKind kind, int classesOrWidth, float[] at) {
        ParameterLayout layout = m.layout();
        StaticShapes shapes = shapes(m);
        Set<String> live = live(m, BackwardRules::check);
        // MaxPool's backward needs the argmax: ask the forward node for its Indices output too
        OnnxModelBuilder b = m.builder(n -> n.opType().equals("MaxPool") && live.contains(n.outputs().getFirst())
                && n.outputs().size() == 1
                ? new Node(n.name(), n.opType(), n.domain(), n.inputs(), List.of(n.outputs().getFirst(), poolIndices(n)), n.attributes())
                : n, at);
        Emit e = new Emit(b, m.opset(), at != null);
        String y = m.outputs().getFirst().name();
        String seed;
        switch (kind) {
            case CROSS_ENTROPY -> {
                b.input(ONEHOT, OnnxModelBuilder.FLOAT, -1, classesOrWidth);
                String logp = b.op("LogSoftmax", Map.of("axis", 1L), y);
                e.out(b.op("Neg", e.reduceSumAll(b.op("Mul", logp, ONEHOT))), LOSS);
                seed = b.op("Sub", b.op("Softmax", Map.of("axis", 1L), y), ONEHOT);
            }
            case MSE -> {
                b.input(TARGETS, OnnxModelBuilder.FLOAT, -1, classesOrWidth);
                String diff = b.op("Sub", y, TARGETS);
                String inv = e.scalar(1.0f / classesOrWidth);
                e.out(b.op("Mul", e.reduceSumAll(b.op("Mul", diff, diff)), inv), LOSS);
                seed = b.op("Mul", diff, e.scalar(2.0f / classesOrWidth));
            }
            case MODEL_OUTPUT -> {
                e.out(b.op("Identity", y), LOSS);
                seed = b.op("Expand", e.scalar(1f), b.op("Shape", y));
            }
            default -> throw new IllegalStateException();
        }
        Map<String, List<String>> grads = new LinkedHashMap<>();
        grads.computeIfAbsent(y, k -> new ArrayList<>()).add(seed);
        List<Node> nodes = m.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().noneMatch(grads::containsKey)) {
                continue;
            }
            String dy = e.total(grads.get(n.outputs().getFirst()));
            if (dy == null) {
                continue;
            }
            e.gradients.put(n.outputs().getFirst(), dy);
            Map<Integer, String> dx = BackwardRules.backward(n, dy, e, shapes, live);
            for (Map.Entry<Integer, String> d : dx.entrySet()) {
                String in = n.inputs().get(d.getKey());
                if (live.contains(in) && Differentiable.through(n, d.getKey())) {
                    grads.computeIfAbsent(in, k -> new ArrayList<>()).add(d.getValue());
                }
            }
        }
        b.output(LOSS, OnnxModelBuilder.FLOAT);
        for (int p = 0; p < layout.count(); p++) {
            String name = layout.names().get(p);
            List<String> g = grads.get(name);
            String total = g == null ? b.op("Mul", name, e.scalar(0f)) : e.total(g); // weight unused by the output
            e.out(total, gradName(p));
            b.output(gradName(p), OnnxModelBuilder.FLOAT, layout.shapes().get(p));
        }
        return e;
    }

    /**
     * The values a gradient flows to a weight from: the weights and every value computed from one through a
     * differentiable input; {@code fed} sees each node computing such a value, in graph order.
     */
    static Set<String> live(ParameterizedModel m, java.util.function.Consumer<Node> fed) {
        Set<String> live = new HashSet<>(m.layout().names());
        for (Node n : m.nodes()) {
            boolean any = false;
            for (int i = 0; i < n.inputs().size(); i++) {
                any |= live.contains(n.inputs().get(i)) && Differentiable.through(n, i);
            }
            if (any) {
                fed.accept(n);
                live.addAll(n.outputs());
            }
        }
        return live;
    }

    /** Dims and small constants of every value of the forward graph, as far as they can be inferred statically. */
    static StaticShapes shapes(ParameterizedModel m) {
        StaticShapes s = new StaticShapes();
        m.dataInputs().forEach(v -> s.put(v.name(), v.dims()));
        for (int i = 0; i < m.layout().count(); i++) {
            s.put(m.layout().names().get(i), m.layout().shapes().get(i));
        }
        m.fixed().values().forEach(s::constant);
        m.nodes().forEach(s::infer);
        return s;
    }

    static String poolIndices(Node n) {
        return "loupe_pool_idx_" + n.outputs().getFirst();
    }

    /**
     * A route for a Conv's kernel terms ({@link Emit#kernelRoutes}): from {@code minVectors} directions per pass on,
     * {@code adjoint} gives the tangent of [dW | db] as [(k,) O, J], the pooled tangent carrying the forward term.
     */
    record KernelRoute(int minVectors, java.util.function.Function<java.util.function.UnaryOperator<String>, String> adjoint) {
        boolean takes(int vectors) {
            return vectors >= minVectors;
        }
    }

    /**
     * A route for a Conv's input terms ({@link Emit#inputRoutes}): from {@code minVectors} directions per pass on,
     * {@code forward} gives the pooled tangent's term and {@code adjoint} the first kernel's dṘ term as [O, k, J].
     */
    record InputRoute(int minVectors, java.util.function.Function<java.util.function.UnaryOperator<String>, String> forward,
                      java.util.function.Function<java.util.function.UnaryOperator<String>, String> adjoint) {
        boolean takes(int vectors) {
            return vectors >= minVectors;
        }
    }

    /** Small helper that writes nodes into the builder with opset-correct forms. */
    static final class Emit {
        final OnnxModelBuilder b;
        final long opset;
        /** Weights are constants of one point, and HvpSplit will prepare what does not depend on the tangent. */
        final boolean atPoint;
        /**
         * Tangent rules written for a whole group of nodes (e.g. {@link ConvAtPoint}): value → its tangent, given the
         * tangent of any value (null: none). {@link HvpGraph} applies them instead of the nodes' own rules.
         */
        final Map<String, java.util.function.Function<java.util.function.UnaryOperator<String>, String>> macros = new HashMap<>();
        /**
         * Conv inputs whose tangent is a fixed map of a first layer's ({@link FirstLayerRoute}): value → its reader's
         * dW tangent term Ẋᵀ·G(dY), precontracted; {@link ConvAtPoint} then leaves that term and G(dY)·Ẇ to the route.
         */
        final Map<String, java.util.function.Function<java.util.function.UnaryOperator<String>, String>> routed = new HashMap<>();
        /**
         * Conv outputs whose kernel terms a {@link HiddenLayerRoute} takes in passes of enough directions: {@link ConvAtPoint}
         * then leaves out cols·Ẇ and takes the route's adjoint for dẎ·cols.
         */
        final Map<String, KernelRoute> kernelRoutes = new HashMap<>();
        /**
         * Conv outputs whose input terms a {@link SecondLayerRoute} takes in passes of enough directions: {@link ConvAtPoint}
         * then leaves out Conv(Ẋ, W), the route adds its term to the pooled tangent and gives the first kernel's adjoint.
         */
        final Map<String, InputRoute> inputRoutes = new HashMap<>();
        /** The gradient of the loss at each forward value the backward pass went through (its first output's). */
        final Map<String, String> gradients = new HashMap<>();
        /**
         * Directions the tangent pass being written carries at once ({@link HvpGraph}): above 1 every tangent has a
         * leading axis of that length ({@link VectorTangents}); 1 while the forward and backward graphs are written.
         */
        int vectors = 1;

        Emit(OnnxModelBuilder b, long opset) {
            this(b, opset, false);
        }

        Emit(OnnxModelBuilder b, long opset, boolean atPoint) {
            this.b = b;
            this.opset = opset;
            this.atPoint = atPoint;
        }

        String scalar(float v) {
            String name = b.fresh("const");
            b.initializer(name, new float[]{v});
            return name;
        }

        String ints(long... v) {
            String name = b.fresh("ints");
            b.initializer(name, v, v.length);
            return name;
        }

        void out(String value, String name) {
            b.node(new Node(name, "Identity", "", List.of(value), List.of(name), Map.of()));
        }

        String floats(float... v) {
            String name = b.fresh("floats");
            b.initializer(name, v, v.length);
            return name;
        }

        /** Unsqueeze at {@code axes}: an attribute before opset 13, an input from it on. */
        String unsqueeze(String x, long[] axes) {
            return opset >= 13 ? b.op("Unsqueeze", x, ints(axes)) : b.op("Unsqueeze", Map.of("axes", axes), x);
        }

        String reduceSumAll(String x) {
            return b.op("ReduceSum", Map.of("keepdims", 0L), x);
        }

        /** ReduceSum over {@code axes}: axes are an input from opset 13 on, an attribute before. */
        String reduceSum(String x, long[] axes, boolean keep) {
            if (opset >= 13) {
                return b.op("ReduceSum", Map.of("keepdims", keep ? 1L : 0L), x, ints(axes));
            }
            return b.op("ReduceSum", Map.of("keepdims", keep ? 1L : 0L, "axes", axes), x);
        }

        /** Zero padding, {@code pads} as ONNX orders them (all begins, then all ends); x itself when all are 0. */
        String pad(String x, long[] pads) {
            if (java.util.Arrays.stream(pads).allMatch(p -> p == 0)) {
                return x;
            }
            return opset >= 11 ? b.op("Pad", x, ints(pads)) : b.op("Pad", Map.of("pads", pads), x);
        }

        /** Slice with steps (an input from opset 10 on; older opsets have no steps, so the op is refused). */
        String slice(String x, long[] starts, long[] ends, long[] axes, long[] steps, Node forWhom) {
            if (opset < 10) {
                throw unsupported(forWhom, "needs opset 10 or later for strided slices");
            }
            return b.op("Slice", x, ints(starts), ints(ends), ints(axes), ints(steps));
        }

        /** 1 where x &gt; 0, else 0 (float): the derivative of Relu, cheaper in ONNX Runtime than Sign. */
        String positive(String x) {
            return b.op("Cast", Map.of("to", 1L), b.op("Greater", x, scalar(0f)));
        }

        String total(List<String> parts) {
            if (parts == null || parts.isEmpty()) {
                return null;
            }
            return parts.size() == 1 ? parts.getFirst() : b.op("Sum", parts.toArray(String[]::new));
        }
    }

    static LoupeException unsupported(Node n, String why) {
        return new LoupeException("unsupported op " + n.opType() + " for gradients" + (why.isEmpty() ? "" : " (" + why + ")")
                + " in node '" + n.name() + "'");
    }
}
