package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vector–Jacobian products of the ONNX ops of MLPs, as ONNX nodes. Shapes of activations are those of
 * 2-D [batch, features] tensors; weight shapes are known. Supported: Gemm (alpha = beta = 1, transA = 0),
 * MatMul (2-D), Add/Sub (bias broadcast over the batch axis), Mul (same shapes), Relu, Tanh, Sigmoid,
 * Flatten, Reshape, Identity, Dropout (inference), ReduceSum over all axes; Conv (2-D, stride 1, dilation 1,
 * group 1, explicit pads) and MaxPool (non-overlapping windows, no padding).
 *
 * <p>Conv: dX = ConvTranspose(dY, W) with the same pads; dW = Conv of X and dY with batch and channel
 * axes swapped (Transpose [1,0,2,3] on X, dY and the result); dB = ΣdY over batch and space.
 * MaxPool: the forward node also outputs Indices (ORT: flat positions in the whole input tensor);
 * dX = ScatterElements of dY into zeros of X's size at those positions.
 */
final class BackwardRules {
    private static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Relu", "Tanh", "Sigmoid",
            "Flatten", "Reshape", "Identity", "Dropout", "ReduceSum", "Conv", "MaxPool");

    private BackwardRules() {
    }

    static void check(Node n) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx") || !SUPPORTED.contains(n.opType())) {
            throw GradientGraph.unsupported(n, "");
        }
        if (n.opType().equals("Gemm") && (n.intAttribute("transA", 0) != 0 || alpha(n, "alpha") != 1 || alpha(n, "beta") != 1)) {
            throw GradientGraph.unsupported(n, "only alpha = beta = 1, transA = 0");
        }
        if (n.opType().equals("Conv")) {
            for (String k : List.of("strides", "dilations")) {
                if (n.attributes().get(k) instanceof long[] v && java.util.Arrays.stream(v).anyMatch(x -> x != 1)) {
                    throw GradientGraph.unsupported(n, "only stride 1 and dilation 1");
                }
            }
            if (n.intAttribute("group", 1) != 1 || !"NOTSET".equals(n.attributes().getOrDefault("auto_pad", "NOTSET"))) {
                throw GradientGraph.unsupported(n, "only group 1 and explicit pads");
            }
        }
        if (n.opType().equals("MaxPool")) {
            long[] k = n.attributes().get("kernel_shape") instanceof long[] v ? v : new long[0];
            long[] s = n.attributes().get("strides") instanceof long[] v ? v : new long[0];
            boolean overlap = s.length != k.length;
            for (int i = 0; i < k.length && !overlap; i++) {
                overlap = s[i] < k[i];
            }
            boolean padded = n.attributes().get("pads") instanceof long[] p && java.util.Arrays.stream(p).anyMatch(x -> x != 0);
            if (overlap || padded || n.intAttribute("ceil_mode", 0) != 0 || n.attributes().containsKey("dilations")
                    || !"NOTSET".equals(n.attributes().getOrDefault("auto_pad", "NOTSET"))) {
                throw GradientGraph.unsupported(n, "only non-overlapping windows without padding");
            }
        }
        if (n.opType().equals("ReduceSum") && (n.inputs().size() > 1 || n.attributes().containsKey("axes") || n.intAttribute("keepdims", 1) != 0)) {
            throw GradientGraph.unsupported(n, "only a sum over all axes to a scalar");
        }
    }

    /** Input index → gradient value name, for the inputs that can carry a gradient. */
    static Map<Integer, String> backward(Node n, String dy, GradientGraph.Emit e, Map<String, long[]> shapes, Set<String> live) {
        var b = e.b;
        List<String> in = n.inputs();
        Map<Integer, String> g = new HashMap<>();
        switch (n.opType()) {
            case "Gemm" -> {
                boolean tB = n.intAttribute("transB", 0) != 0;
                if (live.contains(in.get(0))) {
                    g.put(0, tB ? b.op("MatMul", dy, in.get(1)) : b.op("Gemm", Map.of("transB", 1L), dy, in.get(1)));
                }
                if (live.contains(in.get(1))) {
                    g.put(1, tB ? b.op("Gemm", Map.of("transA", 1L), dy, in.get(0)) : b.op("Gemm", Map.of("transA", 1L), in.get(0), dy));
                }
                if (in.size() > 2 && !in.get(2).isEmpty() && live.contains(in.get(2))) {
                    g.put(2, unbroadcast(n, dy, shapes.get(in.get(2)), e));
                }
            }
            case "MatMul" -> {
                for (String s : in) {
                    long[] sh = shapes.get(s);
                    if (sh != null && sh.length != 2) {
                        throw GradientGraph.unsupported(n, "only 2-D operands");
                    }
                }
                if (live.contains(in.get(0))) {
                    g.put(0, b.op("MatMul", dy, b.op("Transpose", in.get(1))));
                }
                if (live.contains(in.get(1))) {
                    g.put(1, b.op("MatMul", b.op("Transpose", in.get(0)), dy));
                }
            }
            case "Add", "Sub" -> {
                for (int i = 0; i < 2; i++) {
                    if (live.contains(in.get(i))) {
                        String d = i == 1 && n.opType().equals("Sub") ? b.op("Neg", dy) : dy;
                        g.put(i, unbroadcast(n, d, shapes.get(in.get(i)), e));
                    }
                }
            }
            case "Mul" -> {
                for (String s : in) {
                    if (shapes.containsKey(s) && !live.contains(s)) {
                        throw GradientGraph.unsupported(n, "Mul by a constant tensor (broadcasting) is not differentiated");
                    }
                }
                if (live.contains(in.get(0))) {
                    g.put(0, b.op("Mul", dy, in.get(1)));
                }
                if (live.contains(in.get(1))) {
                    g.put(1, b.op("Mul", dy, in.get(0)));
                }
            }
            case "Relu" -> g.put(0, b.op("Mul", dy, b.op("Sign", n.outputs().getFirst())));
            case "Tanh" -> {
                String y = n.outputs().getFirst();
                g.put(0, b.op("Mul", dy, b.op("Sub", e.scalar(1f), b.op("Mul", y, y))));
            }
            case "Sigmoid" -> {
                String y = n.outputs().getFirst();
                g.put(0, b.op("Mul", dy, b.op("Mul", y, b.op("Sub", e.scalar(1f), y))));
            }
            case "Flatten", "Reshape" -> g.put(0, b.op("Reshape", dy, b.op("Shape", in.get(0))));
            case "Identity", "Dropout" -> g.put(0, dy);
            case "ReduceSum" -> g.put(0, b.op("Expand", dy, b.op("Shape", in.get(0))));
            case "Conv" -> {
                Map<String, Object> pads = n.attributes().get("pads") instanceof long[] p ? Map.of("pads", p) : Map.of();
                Map<String, Object> swap = Map.of("perm", new long[]{1, 0, 2, 3});
                if (live.contains(in.get(0))) {
                    g.put(0, b.op("ConvTranspose", pads, dy, in.get(1)));
                }
                if (live.contains(in.get(1))) {
                    String c = b.op("Conv", pads, b.op("Transpose", swap, in.get(0)), b.op("Transpose", swap, dy));
                    g.put(1, b.op("Transpose", swap, c));
                }
                if (in.size() > 2 && !in.get(2).isEmpty() && live.contains(in.get(2))) {
                    g.put(2, e.reduceSum(dy, new long[]{0, 2, 3}, false));
                }
            }
            case "MaxPool" -> {
                String flatX = b.op("Reshape", in.get(0), e.ints(-1));
                String zeros = b.op("ConstantOfShape", b.op("Shape", flatX));
                String scattered = b.op("ScatterElements", Map.of("axis", 0L), zeros,
                        b.op("Reshape", GradientGraph.poolIndices(n), e.ints(-1)), b.op("Reshape", dy, e.ints(-1)));
                g.put(0, b.op("Reshape", scattered, b.op("Shape", in.get(0))));
            }
            default -> throw GradientGraph.unsupported(n, "");
        }
        return g;
    }

    /** dY [batch, n] summed down to an operand's shape: [n] or [1, n] → sum over the batch; same shape → as is. */
    private static String unbroadcast(Node n, String dy, long[] shape, GradientGraph.Emit e) {
        if (shape == null) {
            return dy; // an activation: same shape as the output in the MLPs supported here
        }
        if (shape.length == 0) {
            return e.reduceSumAll(dy);
        }
        if (shape.length == 1) {
            return e.reduceSum(dy, new long[]{0}, false);
        }
        if (shape.length == 2 && shape[0] == 1) {
            return e.reduceSum(dy, new long[]{0}, true);
        }
        if (shape.length == 2) {
            return dy;
        }
        throw GradientGraph.unsupported(n, "broadcast of a rank-" + shape.length + " operand");
    }

    private static double alpha(Node n, String key) {
        return n.attributes().get(key) instanceof Double d ? d : 1.0;
    }
}
