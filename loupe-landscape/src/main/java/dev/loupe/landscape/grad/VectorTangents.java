package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tangent rules for k directions at once ({@link GradientGraph.Emit#vectors} = k &gt; 1): every tangent of a value of
 * shape S has shape [k, …S]. Elementwise ops keep {@link TangentRules}' formulas, numpy broadcasting lining the primal
 * up with the vector axis, once a tangent of lower rank than the op's output is given ones after that axis
 * ({@link #lifted}; a bias [O] added to [N, O] has the tangent [k, O], which must become [k, 1, O]). Ops with axes
 * shift them by one; ops of fixed rank (Conv, pools, Gemm) fold the vector axis into the batch axis or, for a kernel's
 * tangent, into the output channels: k kernels [k·O, C, kh, kw] in one convolution. Ranks come from
 * {@link StaticShapes} (inferred over the backward graph too) and, where unknown, from the values' runtime shapes.
 */
final class VectorTangents {
    /** Ops whose {@link TangentRules} formula holds with the vector axis once the tangents are {@link #lifted}. */
    static final Set<String> ELEMENTWISE = Set.of("Identity", "Dropout", "Neg", "Cast", "Add", "Sum", "Sub", "Mul", "Div", "Pow",
            "Exp", "Log", "Sqrt", "Erf", "Relu", "Tanh", "Sigmoid", "Sign", "Shape", "Size", "ConstantOfShape", "OneHot",
            "Greater", "Equal", "Mod", "Reciprocal");

    private VectorTangents() {
    }

    /** The input tangents {@code t} of an elementwise node, each given the output's rank (plus the vector axis). */
    static List<String> lifted(Node n, List<String> t, GradientGraph.Emit e, StaticShapes s) {
        List<String> out = new ArrayList<>();
        String y = n.outputs().getFirst();
        for (int i = 0; i < t.size(); i++) {
            out.add(t.get(i) == null ? null : lift(t.get(i), n.inputs().get(i), y, e, s));
        }
        return out;
    }

    /** Tangent of output 0 of {@code n} (ops outside {@link #ELEMENTWISE}), or null when it is zero. */
    static String tangent(Node n, List<String> t, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        String y = n.outputs().getFirst();
        String t0 = t.get(0);
        return switch (n.opType()) {
            case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> t0 == null ? null : like(t0, y, e, s);
            case "Expand" -> t0 == null ? null : b.op("Expand", lift(t0, in.get(0), y, e, s), expandShape(y, e, s));
            case "Transpose" -> {
                long[] perm = n.attributes().get("perm") instanceof long[] given ? given : ShapeMath.perm(n, s.rank(in.getFirst(), n));
                long[] p = new long[perm.length + 1];
                for (int i = 0; i < perm.length; i++) {
                    p[i + 1] = perm[i] + 1;
                }
                yield t0 == null ? null : b.op("Transpose", Map.of("perm", p), t0);
            }
            case "ReduceSum", "ReduceMean" -> t0 == null ? null : reduce(n, t0, e, s);
            case "Slice" -> t0 == null ? null : slice(n, t0, e, s);
            case "Gather" -> t0 == null ? null : b.op("Gather", Map.of("axis", shift(n.intAttribute("axis", 0))), t0, in.get(1));
            case "Pad" -> t0 == null ? null : pad(n, t0, e, s);
            case "AveragePool", "GlobalAveragePool" -> t0 == null ? null : perSample(n, t0, e, s);
            case "Conv", "ConvTranspose" -> {
                List<String> parts = new ArrayList<>();
                if (t0 != null) {
                    parts.add(perSample(n, t0, e, s));
                }
                if (t.size() > 1 && t.get(1) != null) {
                    parts.add(kernelTangent(n, t.get(1), e, s));
                }
                if (in.size() > 2 && t.size() > 2 && t.get(2) != null) {
                    long[] d = new long[s.rank(y, n) + 1];
                    java.util.Arrays.fill(d, 1);
                    d[0] = e.vectors;
                    d[2] = -1;
                    parts.add(b.op("Reshape", t.get(2), e.ints(d)));
                }
                yield parts.isEmpty() ? null : parts.size() == 1 ? parts.getFirst() : b.op("Sum", parts.toArray(String[]::new));
            }
            case "MaxPool" -> {
                if (t0 == null) {
                    yield null;
                }
                if (n.outputs().size() < 2) {
                    throw GradientGraph.unsupported(n, "max-pool tangent needs the indices output");
                }
                String g = b.op("Gather", Map.of("axis", 1L), b.op("Reshape", t0, e.ints(e.vectors, -1)),
                        b.op("Reshape", n.outputs().get(1), e.ints(-1)));
                yield like(g, y, e, s);
            }
            case "BatchNormalization" -> ConvRules.batchNormTangent(n, t, e, s);
            case "Concat" -> {
                List<String> parts = new ArrayList<>();
                for (int i = 0; i < in.size(); i++) {
                    parts.add(t.get(i) != null ? t.get(i) : b.op("ConstantOfShape", expandShape(in.get(i), e, s)));
                }
                yield b.op("Concat", Map.of("axis", shift(n.intAttribute("axis", 0))), parts.toArray(String[]::new));
            }
            case "MatMul" -> TangentRules.sum(b, TangentRules.list(t0 == null ? null : b.op("MatMul", lift(t0, in.get(0), y, e, s), in.get(1)),
                    t.get(1) == null ? null : b.op("MatMul", in.get(0), lift(t.get(1), in.get(1), y, e, s))));
            case "Gemm" -> { // as batched MatMuls (Gemm is 2-D only); the rules emit alpha = beta = 1 only
                boolean ta = n.intAttribute("transA", 0) != 0, tb = n.intAttribute("transB", 0) != 0;
                Map<String, Object> swapped = Map.of("perm", new long[]{0, 2, 1});
                String a = ta ? b.op("Transpose", in.get(0)) : in.get(0), w = tb ? b.op("Transpose", in.get(1)) : in.get(1);
                yield TangentRules.sum(b, TangentRules.list(
                        t0 == null ? null : b.op("MatMul", ta ? b.op("Transpose", swapped, t0) : t0, w),
                        t.get(1) == null ? null : b.op("MatMul", a, tb ? b.op("Transpose", swapped, t.get(1)) : t.get(1)),
                        in.size() > 2 && t.size() > 2 && t.get(2) != null ? lift(t.get(2), in.get(2), y, e, s) : null));
            }
            case "ScatterND" -> t0 == null && t.get(2) == null ? null : scatterNd(n, t0, t.get(2), e, s);
            case "Softmax" -> t0 == null ? null : LayoutRules.softmaxJvp(n, y, t0, e);
            case "LogSoftmax" -> t0 == null ? null : LayoutRules.logSoftmaxJvp(n, y, t0, e);
            default -> throw GradientGraph.unsupported(n, "no tangent rule for batched Hessian-vector products");
        };
    }

    /**
     * ScatterND with k directions: data and updates gain the vector axis, and each index tuple [..., q] gains the
     * direction's number in front, [k, ..., 1 + q], so every direction scatters into its own slice.
     */
    private static String scatterNd(Node n, String data, String updates, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors, rank = s.rank(n.inputs().get(1), n);
        String idx = n.inputs().get(1), in0 = n.inputs().get(0), in2 = n.inputs().get(2);
        java.util.function.BiFunction<String, String, String> zeros = (given, primal) -> given != null ? given
                : b.op("ConstantOfShape", expandShape(primal, e, s));
        String shape = b.op("Shape", idx);
        String lead = b.op("Slice", shape, e.ints(0), e.ints(-1), e.ints(0)); // the index tuples' own shape
        String full = b.op("Concat", Map.of("axis", 0L), e.ints(k), lead, e.ints(1));
        long[] column = new long[rank + 1]; // [k, 1, …, 1]
        java.util.Arrays.fill(column, 1);
        column[0] = k;
        String numbers = b.op("Expand", b.op("Reshape", e.ints(java.util.stream.LongStream.range(0, k).toArray()), e.ints(column)), full);
        String tuples = b.op("Expand", e.unsqueeze(b.op("Cast", Map.of("to", 7L), idx), new long[]{0}),
                b.op("Concat", Map.of("axis", 0L), e.ints(k), shape));
        return b.op("ScatterND", zeros.apply(data, in0), b.op("Concat", Map.of("axis", -1L), numbers, tuples), zeros.apply(updates, in2));
    }

    /** {@code dims} with a leading axis of {@code k}. */
    static long[] withVectorAxis(int k, long[] dims) {
        return HvpGraph.withVectors(k, dims);
    }

    /** An axis attribute of the primal op, on the tangent: non-negative axes move past the vector axis. */
    static long shift(long axis) {
        return axis >= 0 ? axis + 1 : axis;
    }

    /**
     * [k, …shape of {@code y}] as an int64 vector: constant when at most one of y's dims is unknown (as −1, so for
     * Reshape only: {@link #expandShape} for Expand and ConstantOfShape).
     */
    static String shapeWithVectors(String y, GradientGraph.Emit e, StaticShapes s) {
        long[] d = s.dims(y);
        if (d != null && java.util.Arrays.stream(d).filter(x -> x < 0).count() <= 1) {
            long[] v = new long[d.length + 1];
            v[0] = e.vectors;
            for (int i = 0; i < d.length; i++) {
                v[i + 1] = d[i] < 0 ? -1 : d[i];
            }
            return e.ints(v);
        }
        return e.b.op("Concat", Map.of("axis", 0L), e.ints(e.vectors), e.b.op("Shape", y));
    }

    /** [k, …shape of {@code y}] for Expand: constant only when all of y's dims are known. */
    static String expandShape(String y, GradientGraph.Emit e, StaticShapes s) {
        long[] d = s.dims(y);
        if (d != null && java.util.Arrays.stream(d).allMatch(x -> x >= 0)) {
            return e.ints(HvpGraph.withVectors(e.vectors, d));
        }
        return e.b.op("Concat", Map.of("axis", 0L), e.ints(e.vectors), e.b.op("Shape", y));
    }

    /** Tangent values {@code t} [k, …] reshaped to [k, …shape of {@code y}]. */
    static String like(String t, String y, GradientGraph.Emit e, StaticShapes s) {
        return e.b.op("Reshape", t, shapeWithVectors(y, e, s));
    }

    /** Tangent {@code t} of {@code x} with ones after the vector axis up to the rank of {@code y} (t itself when equal). */
    private static String lift(String t, String x, String y, GradientGraph.Emit e, StaticShapes s) {
        long[] xd = s.dims(x), yd = s.dims(y);
        OnnxModelBuilder b = e.b;
        if (xd != null && yd != null) {
            if (xd.length >= yd.length) {
                return t;
            }
            long[] v = new long[yd.length + 1];
            java.util.Arrays.fill(v, 1);
            v[0] = e.vectors;
            boolean known = true;
            for (int i = 0; i < xd.length; i++) {
                v[v.length - xd.length + i] = xd[i];
                known &= xd[i] >= 0;
            }
            if (known) {
                return b.op("Reshape", t, e.ints(v));
            }
        }
        // ranks unknown here: [k] ++ ones(rank y − rank x) ++ shape(x), at run time
        String missing = b.op("Sub", b.op("Shape", b.op("Shape", y)), b.op("Shape", b.op("Shape", x)));
        // (never negative: broadcasting gives the output at least each input's rank)
        String ones = b.op("Slice", e.ints(1, 1, 1, 1, 1, 1, 1, 1), e.ints(0), missing);
        return b.op("Reshape", t, b.op("Concat", Map.of("axis", 0L), e.ints(e.vectors), ones, b.op("Shape", x)));
    }

    /** A fixed-rank op (pooling, a convolution's input) applied to [k·N, …] and reshaped back to [k, N, …]. */
    private static String perSample(Node n, String t, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        String x = n.inputs().getFirst();
        long[] xd = s.dims(x);
        String folded;
        if (xd != null && java.util.Arrays.stream(xd, 1, xd.length).allMatch(d -> d >= 0)) {
            long[] v = xd.clone();
            v[0] = -1;
            folded = b.op("Reshape", t, e.ints(v));
        } else {
            String rest = b.op("Slice", b.op("Shape", x), e.ints(1), e.ints(Long.MAX_VALUE));
            folded = b.op("Reshape", t, b.op("Concat", Map.of("axis", 0L), e.ints(-1), rest));
        }
        List<String> args = new ArrayList<>(n.inputs());
        args.set(0, folded);
        if (n.opType().equals("Conv") || n.opType().equals("ConvTranspose")) {
            args = args.subList(0, 2); // the bias is not part of the tangent
        }
        return like(b.op(n.opType(), n.attributes(), args.toArray(String[]::new)), n.outputs().getFirst(), e, s);
    }

    /**
     * Conv or ConvTranspose of the primal input with k kernel tangents: the k kernels stacked along the output
     * channels of each group (one convolution with k times the filters), the output's [N, G, k, O/G, …] moved to
     * [k, N, G·O/G, …].
     */
    private static String kernelTangent(Node n, String tw, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        long g = n.intAttribute("group", 1);
        String w = n.inputs().get(1);
        long[] wd = s.dims(w);
        boolean known = wd != null && wd.length == 4 && java.util.Arrays.stream(wd).allMatch(d -> d >= 0);
        // a kernel whose shape is not static (the flipped kernel of a dX convolution): its dims at run time
        java.util.function.BiFunction<Integer, Integer, String> dims = (from, to) -> known
                ? e.ints(java.util.Arrays.copyOfRange(wd, from, to)) : b.op("Slice", b.op("Shape", w), e.ints(from), e.ints(to));
        java.util.function.Function<String[], String> cat = parts -> b.op("Concat", Map.of("axis", 0L), parts);
        String stacked;
        if (n.opType().equals("Conv")) { // [O, C/G, kh, kw], O = G·O/G: to [G, k, O/G, …] → [G·k·O/G, C/G, kh, kw]
            String r = b.op("Reshape", tw, cat.apply(new String[]{e.ints(k, g, -1), dims.apply(1, 4)}));
            stacked = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{1, 0, 2, 3, 4, 5}), r),
                    cat.apply(new String[]{e.ints(-1), dims.apply(1, 4)}));
        } else { // ConvTranspose [C, O/G, kh, kw]: to [C, k·O/G, kh, kw]
            stacked = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{1, 0, 2, 3, 4}), tw),
                    cat.apply(new String[]{dims.apply(0, 1), e.ints(-1), dims.apply(2, 4)}));
        }
        String out = b.op(n.opType(), n.attributes(), n.inputs().get(0), stacked); // [N, G·k·O/G, Ho, Wo]
        // [N, G, k, O/G·Ho·Wo] → [k, N, G, O/G·Ho·Wo]: O/G and the positions stay one contiguous block
        String split = b.op("Reshape", out, e.ints(0, g, k, -1));
        return like(b.op("Transpose", Map.of("perm", new long[]{2, 0, 1, 3}), split), n.outputs().getFirst(), e, s);
    }

    private static String reduce(Node n, String t, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        Map<String, Object> attrs = new java.util.HashMap<>(n.attributes());
        if (attrs.get("axes") instanceof long[] axes) {
            attrs.put("axes", java.util.Arrays.stream(axes).map(VectorTangents::shift).toArray());
            return b.op(n.opType(), attrs, t);
        }
        if (in.size() > 1 && !in.get(1).isEmpty()) {
            return b.op(n.opType(), attrs, t, shiftedAxes(in.get(1), e, s));
        }
        // no axes: all of the primal's, i.e. all but the vector axis
        if (n.intAttribute("noop_with_empty_axes", 0) != 0) {
            return b.op("Identity", t);
        }
        boolean axesInput = e.opset >= 18 || n.opType().equals("ReduceSum") && e.opset >= 13;
        if (s.dims(in.getFirst()) == null) { // rank unknown: reduce [k, everything else], then the primal's shape
            Map<String, Object> flat = new java.util.HashMap<>(attrs);
            flat.put("keepdims", 0L);
            String r = axesInput ? b.op(n.opType(), flat, b.op("Reshape", t, e.ints(e.vectors, -1)), e.ints(1))
                    : b.op(n.opType(), withAxes(flat, 1), b.op("Reshape", t, e.ints(e.vectors, -1)));
            return like(r, n.outputs().getFirst(), e, s);
        }
        int r = s.rank(in.getFirst(), n);
        long[] all = new long[r];
        for (int i = 0; i < r; i++) {
            all[i] = i + 1;
        }
        if (axesInput) {
            return b.op(n.opType(), attrs, t, e.ints(all));
        }
        attrs.put("axes", all);
        return b.op(n.opType(), attrs, t);
    }

    private static Map<String, Object> withAxes(Map<String, Object> attrs, long axis) {
        attrs.put("axes", new long[]{axis});
        return attrs;
    }

    private static String slice(Node n, String t, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        if (in.size() < 3) { // opset < 10: attributes
            Map<String, Object> attrs = new java.util.HashMap<>(n.attributes());
            long[] axes = attrs.get("axes") instanceof long[] a ? a
                    : java.util.stream.LongStream.range(0, ((long[]) attrs.get("starts")).length).toArray();
            attrs.put("axes", java.util.Arrays.stream(axes).map(VectorTangents::shift).toArray());
            return b.op("Slice", attrs, t);
        }
        String axes;
        if (in.size() > 3 && !in.get(3).isEmpty()) {
            axes = shiftedAxes(in.get(3), e, s);
        } else {
            long[] starts = s.values(in.get(1));
            axes = starts != null ? e.ints(java.util.stream.LongStream.range(1, starts.length + 1).toArray())
                    : b.op("Add", b.op("Range", e.b.op("Squeeze", e.ints(0)), b.op("Squeeze", b.op("Shape", in.get(1))),
                    b.op("Squeeze", e.ints(1))), e.ints(1));
        }
        List<String> args = new ArrayList<>(List.of(t, in.get(1), in.get(2), axes));
        if (in.size() > 4 && !in.get(4).isEmpty()) {
            args.add(in.get(4));
        }
        return b.op("Slice", args.toArray(String[]::new));
    }

    /** Axes (an int64 vector) past the vector axis: constant when known, else shifted at run time. */
    private static String shiftedAxes(String axes, GradientGraph.Emit e, StaticShapes s) {
        long[] v = s.values(axes);
        if (v != null && java.util.Arrays.stream(v).noneMatch(x -> x == StaticShapes.UNKNOWN)) {
            return e.ints(java.util.Arrays.stream(v).map(VectorTangents::shift).toArray());
        }
        OnnxModelBuilder b = e.b;
        String nonNegative = b.op("Cast", Map.of("to", 7L), b.op("Not", b.op("Less", axes, e.ints(0))));
        return b.op("Add", axes, nonNegative);
    }

    /** Pad: a zero pad of the vector axis in front of the primal's pads (all begins, then all ends). */
    private static String pad(Node n, String t, GradientGraph.Emit e, StaticShapes s) {
        OnnxModelBuilder b = e.b;
        List<String> in = n.inputs();
        if (in.size() > 3 && !in.get(3).isEmpty()) {
            throw GradientGraph.unsupported(n, "batched tangent of a Pad with axes");
        }
        if (in.size() < 2) { // opset < 11: the pads attribute
            long[] p = (long[]) n.attributes().get("pads");
            Map<String, Object> attrs = new java.util.HashMap<>(n.attributes());
            attrs.put("pads", withZeroVectorPads(p));
            attrs.remove("value");
            return b.op("Pad", attrs, t);
        }
        long[] p = s.values(in.get(1));
        String pads;
        if (p != null && java.util.Arrays.stream(p).noneMatch(x -> x == StaticShapes.UNKNOWN)) {
            pads = e.ints(withZeroVectorPads(p));
        } else {
            String half = b.op("Div", b.op("Shape", in.get(1)), e.ints(2));
            pads = b.op("Concat", Map.of("axis", 0L), e.ints(0), b.op("Slice", in.get(1), e.ints(0), half), e.ints(0),
                    b.op("Slice", in.get(1), half, e.ints(Long.MAX_VALUE)));
        }
        return b.op("Pad", n.attributes(), t, pads);
    }

    private static long[] withZeroVectorPads(long[] p) {
        int r = p.length / 2;
        long[] q = new long[p.length + 2];
        System.arraycopy(p, 0, q, 1, r);
        System.arraycopy(p, r, q, r + 2, r);
        return q;
    }
}
