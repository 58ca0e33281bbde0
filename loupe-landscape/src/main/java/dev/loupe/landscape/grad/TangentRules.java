package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode (tangent) rules for the ops that forward and backward graphs of {@link BackwardRules}
 * contain. Applied to the gradient graph they give the directional derivative of the gradient, the
 * Hessian-vector product (Pearlmutter's R-operator, "forward over reverse"). Piecewise-linear ops
 * (Relu, MaxPool) use the derivative of their active piece, so kinks do not pollute Hv as they do
 * finite differences.
 */
final class TangentRules {
    private TangentRules() {
    }

    /**
     * Tangent of output {@code out} of node {@code n}, given input tangents {@code t} (null = zero),
     * or null when it is zero.
     */
    static String tangent(Node n, int out, List<String> t, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        String y = n.outputs().get(out);
        if (out > 0) {
            return null; // second outputs (MaxPool indices) are integers
        }
        return switch (n.opType()) {
            case "Identity", "Dropout", "Neg", "Flatten", "Transpose" -> t.get(0) == null ? null
                    : b.op(n.opType().equals("Dropout") ? "Identity" : n.opType(), n.attributes(), t.get(0));
            case "Reshape", "Expand" -> t.get(0) == null ? null : b.op(n.opType(), n.attributes(), t.get(0), in.get(1));
            case "ReduceSum" -> t.get(0) == null ? null : in.size() > 1
                    ? b.op("ReduceSum", n.attributes(), t.get(0), in.get(1)) : b.op("ReduceSum", n.attributes(), t.get(0));
            case "Add", "Sum" -> sum(b, t);
            case "Sub" -> t.get(1) == null ? t.get(0) : t.get(0) == null ? b.op("Neg", t.get(1)) : b.op("Sub", t.get(0), t.get(1));
            case "Mul" -> sum(b, list(t.get(0) == null ? null : b.op("Mul", t.get(0), in.get(1)),
                    t.get(1) == null ? null : b.op("Mul", in.get(0), t.get(1))));
            case "Div" -> {
                if (t.size() > 1 && t.get(1) != null) {
                    throw GradientGraph.unsupported(n, "division by a weight-dependent value");
                }
                yield t.get(0) == null ? null : b.op("Div", t.get(0), in.get(1));
            }
            case "MatMul" -> sum(b, list(t.get(0) == null ? null : b.op("MatMul", t.get(0), in.get(1)),
                    t.get(1) == null ? null : b.op("MatMul", in.get(0), t.get(1))));
            case "Gemm" -> {
                Map<String, Object> a = n.attributes();
                yield sum(b, list(t.get(0) == null ? null : b.op("Gemm", a, t.get(0), in.get(1)),
                        t.get(1) == null ? null : b.op("Gemm", a, in.get(0), t.get(1)),
                        in.size() > 2 && t.size() > 2 ? t.get(2) : null));
            }
            case "Conv", "ConvTranspose" -> {
                Map<String, Object> a = n.attributes();
                String bias = in.size() > 2 && t.size() > 2 && t.get(2) != null
                        ? b.op("Reshape", t.get(2), e.ints(1, -1, 1, 1)) : null;
                yield sum(b, list(t.get(0) == null ? null : b.op(n.opType(), a, t.get(0), in.get(1)),
                        t.get(1) == null ? null : b.op(n.opType(), a, in.get(0), t.get(1)), bias));
            }
            case "Relu" -> t.get(0) == null ? null : b.op("Mul", t.get(0), b.op("Sign", y));
            case "Tanh" -> t.get(0) == null ? null : b.op("Mul", t.get(0), b.op("Sub", e.scalar(1f), b.op("Mul", y, y)));
            case "Sigmoid" -> t.get(0) == null ? null : b.op("Mul", t.get(0), b.op("Mul", y, b.op("Sub", e.scalar(1f), y)));
            case "Softmax" -> t.get(0) == null ? null
                    : b.op("Mul", y, b.op("Sub", t.get(0), e.reduceSum(b.op("Mul", y, t.get(0)), new long[]{1}, true)));
            case "LogSoftmax" -> t.get(0) == null ? null
                    : b.op("Sub", t.get(0), e.reduceSum(b.op("Mul", b.op("Exp", y), t.get(0)), new long[]{1}, true));
            case "MaxPool" -> {
                if (t.get(0) == null) {
                    yield null;
                }
                if (n.outputs().size() < 2) {
                    throw GradientGraph.unsupported(n, "max-pool tangent needs the indices output");
                }
                String g = b.op("GatherElements", Map.of("axis", 0L), b.op("Reshape", t.get(0), e.ints(-1)),
                        b.op("Reshape", n.outputs().get(1), e.ints(-1)));
                yield b.op("Reshape", g, b.op("Shape", y));
            }
            case "ScatterElements" -> t.get(0) == null && t.get(2) == null ? null
                    : b.op("ScatterElements", n.attributes(), t.get(0) == null ? b.op("Mul", in.get(0), e.scalar(0f)) : t.get(0),
                    in.get(1), t.get(2) == null ? b.op("Mul", in.get(2), e.scalar(0f)) : t.get(2));
            case "Sign", "Shape", "ConstantOfShape" -> null;
            default -> throw GradientGraph.unsupported(n, "no tangent rule for Hessian-vector products");
        };
    }

    private static List<String> list(String... s) {
        List<String> l = new ArrayList<>();
        for (String x : s) {
            l.add(x);
        }
        return l;
    }

    private static String sum(OnnxModelBuilder b, List<String> parts) {
        List<String> nz = parts.stream().filter(java.util.Objects::nonNull).toList();
        return nz.isEmpty() ? null : nz.size() == 1 ? nz.getFirst() : b.op("Sum", nz.toArray(String[]::new));
    }
}
