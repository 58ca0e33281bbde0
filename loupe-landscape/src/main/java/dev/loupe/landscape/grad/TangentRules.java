package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode (tangent) rules for the ops that forward and backward graphs of {@link BackwardRules} and
 * {@link LayoutRules} contain (ops linear in their first input reuse the op itself on the tangent; integer
 * shape arithmetic has none). Applied to the gradient graph they give the directional derivative of the gradient, the
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
    static String tangent(Node n, int out, List<String> tangents, GradientGraph.Emit e, StaticShapes shapes) {
        List<String> t = tangents;
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        String y = n.outputs().get(out);
        if (out > 0) {
            return null; // second outputs (MaxPool indices) are integers
        }
        if (e.vectors > 1) {
            if (!VectorTangents.ELEMENTWISE.contains(n.opType())) {
                return VectorTangents.tangent(n, t, e, shapes);
            }
            t = VectorTangents.lifted(n, t, e, shapes);
        }
        return switch (n.opType()) {
            case "Identity", "Dropout", "Neg", "Flatten", "Transpose", "Reshape", "Expand", "ReduceSum", "ReduceMean",
                 "Unsqueeze", "Squeeze", "Slice", "Gather", "Pad", "AveragePool", "GlobalAveragePool" -> linearInFirst(n, t, b);
            case "BatchNormalization" -> ConvRules.batchNormTangent(n, t, e, shapes);
            case "Cast" -> n.intAttribute("to", 0) == 1 && t.get(0) != null ? b.op("Identity", t.get(0)) : null;
            case "Add", "Sum" -> sum(b, t);
            case "Sub" -> t.get(1) == null ? t.get(0) : t.get(0) == null ? b.op("Neg", t.get(1)) : b.op("Sub", t.get(0), t.get(1));
            case "Mul" -> sum(b, list(t.get(0) == null ? null : b.op("Mul", t.get(0), in.get(1)),
                    t.get(1) == null ? null : b.op("Mul", in.get(0), t.get(1))));
            case "Div" -> { // y = a/b: ẏ = (ȧ − y·ḃ)/b
                String num = t.get(1) == null ? t.get(0)
                        : t.get(0) == null ? b.op("Neg", b.op("Mul", y, t.get(1))) : b.op("Sub", t.get(0), b.op("Mul", y, t.get(1)));
                yield b.op("Div", num, in.get(1));
            }
            case "Pow" -> {
                if (t.get(1) != null) {
                    throw GradientGraph.unsupported(n, "only a constant exponent");
                }
                String c = b.op("Cast", Map.of("to", 1L), in.get(1));
                yield b.op("Mul", t.get(0), b.op("Mul", c, b.op("Pow", in.get(0), b.op("Sub", c, e.scalar(1f)))));
            }
            case "Exp" -> b.op("Mul", t.get(0), y);
            case "Log" -> b.op("Div", t.get(0), in.get(0));
            case "Sqrt" -> b.op("Div", t.get(0), b.op("Mul", y, e.scalar(2f)));
            case "Erf" -> b.op("Mul", t.get(0), BackwardRules.erfSlope(in.get(0), e));
            case "Concat" -> {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < in.size(); i++) {
                    parts.add(t.get(i) != null ? t.get(i) : b.op("ConstantOfShape", b.op("Shape", in.get(i)))); // float zeros
                }
                yield b.op("Concat", n.attributes(), parts.toArray(String[]::new));
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
            case "Relu" -> t.get(0) == null ? null : b.op("Mul", t.get(0), e.positive(y));
            case "Tanh" -> t.get(0) == null ? null : b.op("Mul", t.get(0), b.op("Sub", e.scalar(1f), b.op("Mul", y, y)));
            case "Sigmoid" -> t.get(0) == null ? null : b.op("Mul", t.get(0), b.op("Mul", y, b.op("Sub", e.scalar(1f), y)));
            case "Softmax" -> t.get(0) == null ? null : LayoutRules.softmaxJvp(n, y, t.get(0), e);
            case "LogSoftmax" -> t.get(0) == null ? null : LayoutRules.logSoftmaxJvp(n, y, t.get(0), e);
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
            case "ScatterElements", "ScatterND" -> t.get(0) == null && t.get(2) == null ? null // linear in data and updates
                    : b.op(n.opType(), n.attributes(), t.get(0) == null ? b.op("Mul", in.get(0), e.scalar(0f)) : t.get(0),
                    in.get(1), t.get(2) == null ? b.op("Mul", in.get(2), e.scalar(0f)) : t.get(2));
            case "Sign", "Shape", "Size", "ConstantOfShape", "OneHot", "Greater", "Less", "Equal", "Mod", "Reciprocal" -> null;
            default -> throw GradientGraph.unsupported(n, "no tangent rule for Hessian-vector products");
        };
    }

    /**
     * Ops linear in their first input whose other inputs are shapes, indices, axes or bounds: the same op on
     * the tangent. Pad keeps only its pads (a constant fill value would make it affine; its tangent pads 0).
     */
    private static String linearInFirst(Node n, List<String> t, OnnxModelBuilder b) {
        if (t.get(0) == null) {
            return null;
        }
        List<String> args = new ArrayList<>(n.inputs());
        args.set(0, t.get(0));
        if (n.opType().equals("Pad") && args.size() > 2) {
            args = args.subList(0, 2);
        }
        if (n.opType().equals("Dropout")) {
            return b.op("Identity", t.get(0));
        }
        return b.op(n.opType(), n.attributes(), args.toArray(String[]::new));
    }

    static List<String> list(String... s) {
        List<String> l = new ArrayList<>();
        for (String x : s) {
            l.add(x);
        }
        return l;
    }

    static String sum(OnnxModelBuilder b, List<String> parts) {
        List<String> nz = parts.stream().filter(java.util.Objects::nonNull).toList();
        return nz.isEmpty() ? null : nz.size() == 1 ? nz.getFirst() : b.op("Sum", nz.toArray(String[]::new));
    }
}
