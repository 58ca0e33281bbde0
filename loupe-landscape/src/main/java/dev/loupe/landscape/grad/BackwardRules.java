package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vector–Jacobian products of ONNX ops, as ONNX nodes: arithmetic with numpy broadcasting (Add, Sub, Mul,
 * Div, Pow by a constant exponent), MatMul of any rank ≥ 2 with batch broadcasting, Gemm (alpha = beta = 1,
 * transA = 0) and activations (Relu, Tanh, Sigmoid, Erf, Sqrt, Exp, Log, Neg); layout, reduction, Softmax and
 * Gather ops are in {@link LayoutRules}, convolution, pooling and batch normalization in {@link ConvRules}. Every op a rule emits has a tangent rule in {@link TangentRules},
 * so the backward graph can itself be differentiated for Hessian-vector products.
 *
 * <p>Broadcasting: the gradient of an operand is the output gradient summed over the axes the operand was
 * broadcast along — the axes where its statically inferred dim is 1 (or that it lacks) — then reshaped to
 * the operand's shape ({@link StaticShapes} supplies the dims; summing over an axis that is 1 on both sides
 * is harmless).
 */
final class BackwardRules {
    private static final Set<String> SUPPORTED = Set.of("Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Pow", "Relu", "Tanh",
            "Sigmoid", "Erf", "Sqrt", "Exp", "Log", "Neg", "Identity", "Dropout", "Cast");
    private static final float TWO_OVER_SQRT_PI = (float) (2 / Math.sqrt(Math.PI));

    private BackwardRules() {
    }

    static void check(Node n) {
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")
                || !SUPPORTED.contains(n.opType()) && !LayoutRules.SUPPORTED.contains(n.opType()) && !ConvRules.SUPPORTED.contains(n.opType())) {
            throw GradientGraph.unsupported(n, "");
        }
        if (n.opType().equals("Gemm") && (n.intAttribute("transA", 0) != 0 || alpha(n, "alpha") != 1 || alpha(n, "beta") != 1)) {
            throw GradientGraph.unsupported(n, "only alpha = beta = 1, transA = 0");
        }
        ConvRules.check(n);
    }

    /** Input index → gradient value name, for the inputs that carry a gradient. */
    static Map<Integer, String> backward(Node n, String dy, GradientGraph.Emit e, StaticShapes s, Set<String> live) {
        if (LayoutRules.SUPPORTED.contains(n.opType())) {
            return LayoutRules.backward(n, dy, e, s, live);
        }
        if (ConvRules.SUPPORTED.contains(n.opType())) {
            return ConvRules.backward(n, dy, e, s, live);
        }
        var b = e.b;
        List<String> in = n.inputs();
        String y = n.outputs().getFirst();
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
                    g.put(2, unbroadcast(n, dy, in.get(2), s.dims(y), e, s));
                }
            }
            case "MatMul" -> matMul(n, dy, e, s, live, g);
            case "Add", "Sub" -> {
                for (int i = 0; i < 2; i++) {
                    if (live.contains(in.get(i))) {
                        String d = i == 1 && n.opType().equals("Sub") ? b.op("Neg", dy) : dy;
                        g.put(i, unbroadcast(n, d, in.get(i), s.dims(y), e, s));
                    }
                }
            }
            case "Mul" -> {
                for (int i = 0; i < 2; i++) {
                    if (live.contains(in.get(i))) {
                        g.put(i, unbroadcast(n, b.op("Mul", dy, in.get(1 - i)), in.get(i), s.dims(y), e, s));
                    }
                }
            }
            case "Div" -> { // y = a / b: da = dy / b, db = −dy·a/b² = −dy·y/b
                if (live.contains(in.get(0))) {
                    g.put(0, unbroadcast(n, b.op("Div", dy, in.get(1)), in.get(0), s.dims(y), e, s));
                }
                if (live.contains(in.get(1))) {
                    String d = b.op("Neg", b.op("Mul", dy, b.op("Div", y, in.get(1))));
                    g.put(1, unbroadcast(n, d, in.get(1), s.dims(y), e, s));
                }
            }
            case "Pow" -> { // y = x^c, c constant: dx = dy·c·x^(c−1)
                if (live.contains(in.get(1))) {
                    throw GradientGraph.unsupported(n, "only a constant exponent");
                }
                String c = b.op("Cast", Map.of("to", 1L), in.get(1));
                String d = b.op("Mul", dy, b.op("Mul", c, b.op("Pow", in.get(0), b.op("Sub", c, e.scalar(1f)))));
                g.put(0, unbroadcast(n, d, in.get(0), s.dims(y), e, s));
            }
            case "Relu" -> g.put(0, b.op("Mul", dy, e.positive(y)));
            case "Tanh" -> g.put(0, b.op("Mul", dy, b.op("Sub", e.scalar(1f), b.op("Mul", y, y))));
            case "Sigmoid" -> g.put(0, b.op("Mul", dy, b.op("Mul", y, b.op("Sub", e.scalar(1f), y))));
            case "Erf" -> g.put(0, b.op("Mul", dy, erfSlope(in.get(0), e)));
            case "Sqrt" -> g.put(0, b.op("Div", dy, b.op("Mul", y, e.scalar(2f))));
            case "Exp" -> g.put(0, b.op("Mul", dy, y));
            case "Log" -> g.put(0, b.op("Div", dy, in.get(0)));
            case "Neg" -> g.put(0, b.op("Neg", dy));
            case "Identity", "Dropout", "Cast" -> g.put(0, dy);
            default -> throw GradientGraph.unsupported(n, "");
        }
        return g;
    }

    /** d erf(x)/dx = 2/√π · exp(−x²). */
    static String erfSlope(String x, GradientGraph.Emit e) {
        var b = e.b;
        return b.op("Mul", e.scalar(TWO_OVER_SQRT_PI), b.op("Exp", b.op("Neg", b.op("Mul", x, x))));
    }

    /**
     * Y = A·B over the last two axes, batch axes broadcast: dA = dY·Bᵀ and dB = Aᵀ·dY (ᵀ swaps the last two
     * axes), each summed over the batch axes its operand was broadcast along.
     */
    private static void matMul(Node n, String dy, GradientGraph.Emit e, StaticShapes s, Set<String> live, Map<Integer, String> g) {
        var b = e.b;
        String a = n.inputs().get(0), w = n.inputs().get(1);
        int ra = s.rank(a, n), rb = s.rank(w, n);
        if (ra < 2 || rb < 2) {
            throw GradientGraph.unsupported(n, "only operands of rank >= 2");
        }
        long[] y = s.dims(n.outputs().getFirst());
        if (live.contains(a)) {
            g.put(0, unbroadcast(n, b.op("MatMul", dy, swapLast(w, rb, e)), a, withLast2(y, s.dims(a)), e, s));
        }
        if (live.contains(w) && rb == 2 && ra > 2 && s.dims(a) != null && s.dims(a)[ra - 1] > 0 && y[y.length - 1] > 0) {
            // a weight matrix under batched rows (a transformer's [batch, tokens, width]): one GEMM summing over all
            // rows, Aᵀ [K, rows]·dY [rows, N], instead of a product per batch entry and a ReduceSum over them (on MiniLM
            // the per-entry [16, 384, 1536] products, their Sums and ReduceSums were a third of an HVP's kernel time)
            String rows = b.op("Reshape", a, e.ints(-1, s.dims(a)[ra - 1]));
            g.put(1, b.op("MatMul", b.op("Transpose", Map.of("perm", new long[]{1, 0}), rows), b.op("Reshape", dy, e.ints(-1, y[y.length - 1]))));
        } else if (live.contains(w)) {
            g.put(1, unbroadcast(n, b.op("MatMul", swapLast(a, ra, e), dy), w, withLast2(y, s.dims(w)), e, s));
        }
    }

    private static String swapLast(String x, int rank, GradientGraph.Emit e) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[rank - 2] = rank - 1;
        perm[rank - 1] = rank - 2;
        return e.b.op("Transpose", Map.of("perm", perm), x);
    }

    /** The dims of an operand's gradient before unbroadcasting: the output's batch axes, the operand's matrix axes. */
    private static long[] withLast2(long[] y, long[] x) {
        long[] d = y.clone();
        d[d.length - 2] = x[x.length - 2];
        d[d.length - 1] = x[x.length - 1];
        return d;
    }

    /**
     * {@code dy} (of dims {@code ref}) summed to the shape of operand {@code x}: over the axes x lacks or has
     * as 1 where ref does not, kept, then reshaped to x's shape when x has lower rank.
     */
    static String unbroadcast(Node n, String dy, String x, long[] ref, GradientGraph.Emit e, StaticShapes s) {
        long[] xd = s.dims(x);
        if (xd == null || ref == null) {
            throw GradientGraph.unsupported(n, "the shapes of its operands cannot be inferred");
        }
        int r = ref.length;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            int k = i - (r - xd.length);
            if (k < 0 || xd[k] == 1 && ref[i] != 1) {
                axes.add((long) i);
            }
        }
        if (axes.isEmpty()) {
            return dy;
        }
        String sum = e.reduceSum(dy, axes.stream().mapToLong(Long::longValue).toArray(), true);
        return xd.length == r ? sum : e.b.op("Reshape", sum, e.b.op("Shape", x));
    }

    private static double alpha(Node n, String key) {
        return n.attributes().get(key) instanceof Double d ? d : 1.0;
    }
}
