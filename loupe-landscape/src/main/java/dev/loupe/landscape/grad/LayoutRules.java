package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vector–Jacobian products of the layout, reduction, normalization and lookup ops that transformers add:
 * Reshape, Flatten, Unsqueeze, Squeeze, Transpose, Slice, Concat, Gather, ReduceSum, ReduceMean, Softmax and
 * LogSoftmax, each per its ONNX definition at the model's opset.
 *
 * <p>Softmax and LogSoftmax before opset 13 coerce the input to 2-D at {@code axis} (rows = the product of
 * the axes before it, columns = the product of it and the axes after) and normalize each row; from opset 13
 * they normalize along the one axis. Both are handled by computing on {@code Flatten(axis)} views (old
 * semantics) or reducing over {@code [axis]} (new).
 *
 * <p>Gather of a weight (an embedding table, axis 0): its gradient adds dY rows into the rows the indices
 * pick, with repeated indices summed. ScatterElements/ScatterND sum duplicates only from opset 16 on
 * ({@code reduction="add"}); before that a repeated token would keep one contribution. So the rows of dY are summed
 * per distinct index first (Unique, a OneHot of the inverse indices, one small product) and scattered once each:
 * exact at any opset ≥ 11 and deterministic.
 */
final class LayoutRules {
    static final Set<String> SUPPORTED = Set.of("Reshape", "Flatten", "Unsqueeze", "Squeeze", "Transpose", "Slice", "Concat",
            "Gather", "ReduceSum", "ReduceMean", "Softmax", "LogSoftmax");

    private LayoutRules() {
    }

    static Map<Integer, String> backward(Node n, String dy, GradientGraph.Emit e, StaticShapes s, Set<String> live) {
        var b = e.b;
        List<String> in = n.inputs();
        String x = in.getFirst(), y = n.outputs().getFirst();
        Map<Integer, String> g = new HashMap<>();
        switch (n.opType()) {
            case "Reshape", "Flatten", "Unsqueeze", "Squeeze" -> g.put(0, b.op("Reshape", dy, b.op("Shape", x)));
            case "Transpose" -> {
                if (n.attributes().get("perm") instanceof long[] perm) {
                    long[] inverse = new long[perm.length];
                    for (int i = 0; i < perm.length; i++) {
                        inverse[(int) perm[i]] = i;
                    }
                    g.put(0, b.op("Transpose", Map.of("perm", inverse), dy));
                } else {
                    g.put(0, b.op("Transpose", dy)); // reversing the axes is its own inverse
                }
            }
            case "ReduceSum", "ReduceMean" -> {
                long[] axes = s.axes(n);
                String d = axes != null && n.intAttribute("keepdims", 1) == 0 ? e.unsqueeze(dy, axes) : dy;
                String spread = b.op("Expand", d, b.op("Shape", x));
                if (n.opType().equals("ReduceMean")) { // each input element counts 1/(elements per output) of its mean
                    String ratio = b.op("Div", b.op("Cast", Map.of("to", 1L), b.op("Size", y)), b.op("Cast", Map.of("to", 1L), b.op("Size", x)));
                    spread = b.op("Mul", spread, ratio);
                }
                g.put(0, spread);
            }
            case "Softmax" -> g.put(0, softmaxJvp(n, y, dy, e));
            case "LogSoftmax" -> g.put(0, logSoftmaxVjp(n, y, dy, e));
            case "Gather" -> g.put(0, gather(n, dy, e, s));
            case "Slice" -> g.put(0, slice(n, dy, e, s));
            case "Concat" -> {
                String offset = e.ints(0);
                long axis = n.intAttribute("axis", 0);
                for (int i = 0; i < in.size(); i++) {
                    String len = b.op("Gather", Map.of("axis", 0L), b.op("Shape", in.get(i)), e.ints(axis));
                    String end = b.op("Add", offset, len);
                    if (live.contains(in.get(i))) {
                        g.put(i, b.op("Slice", dy, offset, end, e.ints(axis)));
                    }
                    offset = end;
                }
            }
            default -> throw GradientGraph.unsupported(n, "");
        }
        return g;
    }

    /**
     * y ⊙ (v − Σ y ⊙ v) over the softmax's normalized group: the Jacobian of softmax is symmetric, so this
     * is both its vector–Jacobian product (v = dY) and its Jacobian–vector product (v = a tangent).
     */
    static String softmaxJvp(Node n, String y, String v, GradientGraph.Emit e) {
        var b = e.b;
        long axis = n.intAttribute("axis", e.opset >= 13 ? -1 : 1);
        if (e.opset >= 13) {
            long a = e.vectors > 1 ? VectorTangents.shift(axis) : axis; // a tangent's vector axis comes first
            return b.op("Mul", y, b.op("Sub", v, e.reduceSum(b.op("Mul", y, v), new long[]{a}, true)));
        }
        Map<String, Object> at = Map.of("axis", axis);
        String y2 = b.op("Flatten", at, y), v2 = flatLike(v, y2, at, e);
        String r = b.op("Mul", y2, b.op("Sub", v2, e.reduceSum(b.op("Mul", y2, v2), new long[]{e.vectors > 1 ? 2 : 1}, true)));
        return b.op("Reshape", r, shapeOf(y, e));
    }

    /** v flattened as y2 is (with a tangent's vector axis in front when the pass carries several). */
    private static String flatLike(String v, String y2, Map<String, Object> at, GradientGraph.Emit e) {
        return e.vectors > 1 ? e.b.op("Reshape", v, shapeOf(y2, e)) : e.b.op("Flatten", at, v);
    }

    /** The runtime shape of y, with the vector axis in front when the pass carries several. */
    private static String shapeOf(String y, GradientGraph.Emit e) {
        String s = e.b.op("Shape", y);
        return e.vectors > 1 ? e.b.op("Concat", Map.of("axis", 0L), e.ints(e.vectors), s) : s;
    }

    /** LogSoftmax y: Jacobian–vector product v − Σ exp(y) ⊙ v (per normalized group). */
    static String logSoftmaxJvp(Node n, String y, String v, GradientGraph.Emit e) {
        return normalizedGroup(n, y, v, e, false);
    }

    /** LogSoftmax y: vector–Jacobian product v − exp(y) ⊙ Σ v (per normalized group). */
    static String logSoftmaxVjp(Node n, String y, String v, GradientGraph.Emit e) {
        return normalizedGroup(n, y, v, e, true);
    }

    private static String normalizedGroup(Node n, String y, String v, GradientGraph.Emit e, boolean transposed) {
        var b = e.b;
        long axis = n.intAttribute("axis", e.opset >= 13 ? -1 : 1);
        boolean flat = e.opset < 13;
        Map<String, Object> at = Map.of("axis", axis);
        String y2 = flat ? b.op("Flatten", at, y) : y;
        String p = b.op("Exp", y2), w = flat ? flatLike(v, y2, at, e) : v;
        long[] ax = {flat ? (e.vectors > 1 ? 2 : 1) : e.vectors > 1 ? VectorTangents.shift(axis) : axis};
        String r = transposed ? b.op("Sub", w, b.op("Mul", p, e.reduceSum(w, ax, true)))
                : b.op("Sub", w, e.reduceSum(b.op("Mul", p, w), ax, true));
        return flat ? b.op("Reshape", r, shapeOf(y, e)) : r;
    }

    /**
     * Gather(data, indices, axis 0): the rows of dY summed per distinct index (Unique, then OneHot(inverse)ᵀ · dY: U × T
     * for U distinct of T indices) and scattered into zeros of data's shape (ScatterND, each row once, so no
     * duplicate to lose before opset 16). OneHot(indices, rows)ᵀ · dY over the whole table cost rows × T × width
     * multiply-adds: on MiniLM (30,522 rows, 352 tokens) 38 ms of an HVP's 318 ms kernel time a batch, and for a
     * 150k-row LM table over thousands of tokens a product larger than the model's forward pass.
     */
    private static String gather(Node n, String dy, GradientGraph.Emit e, StaticShapes s) {
        var b = e.b;
        String data = n.inputs().get(0), idx = n.inputs().get(1);
        if (n.intAttribute("axis", 0) != 0) {
            throw GradientGraph.unsupported(n, "only gathers along axis 0 carry a gradient");
        }
        if (e.opset < 11) {
            throw GradientGraph.unsupported(n, "needs opset >= 11 (Unique, ScatterND)");
        }
        long r = s.rank(idx, n);
        String shape = b.op("Shape", data);
        String rows = b.op("Gather", Map.of("axis", 0L), shape, e.ints(0)); // [1]
        String flat = b.op("Cast", Map.of("to", 7L), b.op("Reshape", idx, e.ints(-1)));
        long[] known = b.isInitializer(idx) ? b.int64Values(idx, Integer.MAX_VALUE) : null;
        if (known == null || java.util.Arrays.stream(known).anyMatch(v -> v < 0)) { // negative: counted from the end
            flat = b.op("Add", flat, b.op("Mul", b.op("Cast", Map.of("to", 7L), b.op("Less", flat, e.ints(0))), rows));
        }
        String distinct = b.fresh("unique"), inverse = b.fresh("inverse");
        b.node(new Node(distinct, "Unique", "", List.of(flat), List.of(distinct, b.fresh("first"), inverse, b.fresh("counts")),
                Map.of("sorted", 1L)));
        String hot = b.op("OneHot", Map.of("axis", -1L), inverse, b.op("Shape", distinct), e.floats(0f, 1f)); // [T, U]
        String summed = b.op("MatMul", b.op("Transpose", hot), b.op("Flatten", Map.of("axis", r), dy)); // [U, width]
        String tail = b.op("Slice", shape, e.ints(1), e.ints(Long.MAX_VALUE), e.ints(0));
        String updates = b.op("Reshape", summed, b.op("Concat", Map.of("axis", 0L), e.ints(-1), tail));
        return b.op("ScatterND", b.op("ConstantOfShape", shape), e.unsqueeze(distinct, new long[]{1}), updates);
    }

    /**
     * Slice with constant starts/ends/axes and unit steps: dX = Pad(dY) with the sliced-off amounts, begin =
     * start (or dim + start when negative), end = dim − begin − the slice's length. Starts are assumed inside
     * the dimension (ONNX would clamp them).
     */
    private static String slice(Node n, String dy, GradientGraph.Emit e, StaticShapes s) {
        var b = e.b;
        List<String> in = n.inputs();
        if (in.size() < 3) {
            throw GradientGraph.unsupported(n, "needs opset >= 10 (starts and ends as inputs)");
        }
        String x = in.getFirst();
        int rank = s.rank(x, n);
        long[] starts = constant(n, s, in.get(1));
        long[] axes = in.size() > 3 && !in.get(3).isEmpty() ? constant(n, s, in.get(3)) : null;
        long[] steps = in.size() > 4 && !in.get(4).isEmpty() ? constant(n, s, in.get(4)) : null;
        if (steps != null && Arrays.stream(steps).anyMatch(v -> v != 1)) {
            throw GradientGraph.unsupported(n, "only unit steps");
        }
        long[] begin = new long[rank], fromEnd = new long[rank];
        for (int j = 0; j < starts.length; j++) {
            int a = (int) (axes == null ? j : axes[j] < 0 ? axes[j] + rank : axes[j]);
            begin[a] = starts[j];
            fromEnd[a] = starts[j] < 0 ? 1 : 0;
        }
        String dims = b.op("Shape", x);
        String begins = Arrays.stream(fromEnd).allMatch(v -> v == 0) ? e.ints(begin)
                : b.op("Add", e.ints(begin), b.op("Mul", dims, e.ints(fromEnd)));
        String ends = b.op("Sub", b.op("Sub", dims, begins), b.op("Shape", dy));
        return b.op("Pad", dy, b.op("Concat", Map.of("axis", 0L), begins, ends));
    }

    private static long[] constant(Node n, StaticShapes s, String name) {
        long[] v = s.values(name);
        if (v == null || Arrays.stream(v).anyMatch(x -> x == StaticShapes.UNKNOWN)) {
            throw GradientGraph.unsupported(n, "slice bounds must be constant");
        }
        return v;
    }
}
