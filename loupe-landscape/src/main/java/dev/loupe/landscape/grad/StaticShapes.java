package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks and statically known dimensions (−1 = unknown) of the values of a graph, plus the contents of the
 * small int64 vectors that shape arithmetic builds (Shape → Gather → Unsqueeze → Concat → Reshape), as far as
 * they follow from the inputs, weights and constants.
 *
 * <p>Why: the backward pass of a broadcasting op must sum over the broadcast axes, and at opset 11 the
 * axes of ReduceSum are an attribute, fixed when the graph is built; transposing the last two axes of a
 * batched MatMul also needs the rank. ONNX Runtime's own shape inference is not reachable from its Java
 * API, so this follows the ONNX operator definitions for the ops the gradient rules support. A value
 * without an entry has unknown rank; rules that need it then refuse the node with a clear message.
 */
final class StaticShapes {
    /** An unknown entry of a known-length int64 vector. */
    static final long UNKNOWN = Long.MIN_VALUE;

    private final Map<String, long[]> dims = new HashMap<>();
    private final Map<String, long[]> values = new HashMap<>();

    void put(String name, long[] d) {
        dims.put(name, d.clone());
    }

    /** Records the contents of a small int64 vector (an initializer the gradient rules wrote). */
    void putValues(String name, long[] v) {
        values.put(name, v.clone());
    }

    /** Records an int64 tensor of rank ≤ 1 with known contents (constants, fixed initializers). */
    void constant(Tensor t) {
        dims.put(t.name(), t.shape().clone());
        if (t.dtype() == DType.I64 && t.rank() <= 1 && t.numel() <= 64) {
            values.put(t.name(), Arrays.stream(t.toDoubles()).mapToLong(x -> (long) x).toArray());
        }
    }

    /** Dimensions of {@code name}, or null when its rank is unknown. */
    long[] dims(String name) {
        return dims.get(name);
    }

    /** Contents of a small int64 vector, or null. */
    long[] values(String name) {
        return values.get(name);
    }

    int rank(String name, Node n) {
        long[] d = dims.get(name);
        if (d == null) {
            throw GradientGraph.unsupported(n, "the rank of '" + name + "' cannot be inferred");
        }
        return d.length;
    }

    /** Infers the outputs of {@code n} from what is known of its inputs (nothing when unknown). */
    void infer(Node n) {
        List<String> in = n.inputs();
        String out = n.outputs().isEmpty() ? null : n.outputs().getFirst();
        if (out == null) {
            return;
        }
        long[] x = in.isEmpty() ? null : dims.get(in.getFirst());
        switch (n.opType()) {
            case "Constant" -> {
                if (n.attributes().get("value") instanceof Tensor t) {
                    constant(t.renamed(out));
                }
            }
            case "Shape" -> {
                if (x != null) {
                    dims.put(out, new long[]{x.length});
                    values.put(out, Arrays.stream(x).map(d -> d < 0 ? UNKNOWN : d).toArray());
                }
            }
            case "Size" -> dims.put(out, new long[0]);
            case "Gather" -> gather(n, x, out);
            case "Unsqueeze" -> unsqueeze(n, x, out);
            case "Squeeze" -> squeeze(n, x, out);
            case "Concat" -> concat(n, out);
            case "Reshape" -> reshape(x, values.get(in.get(1)), dims.get(in.get(1)), out);
            case "Transpose" -> {
                if (x != null) {
                    long[] perm = ShapeMath.perm(n, x.length);
                    long[] y = new long[x.length];
                    for (int i = 0; i < y.length; i++) {
                        y[i] = x[(int) perm[i]];
                    }
                    dims.put(out, y);
                }
            }
            case "Relu", "Tanh", "Sigmoid", "Erf", "Sqrt", "Exp", "Log", "Neg", "Sign", "Identity", "Dropout", "Softmax",
                 "LogSoftmax", "Abs", "Reciprocal", "Cast", "Pad", "ConvTranspose", "BatchNormalization" -> {
                if (x != null) {
                    boolean sameDims = !Arrays.asList("Pad", "ConvTranspose").contains(n.opType());
                    dims.put(out, sameDims ? x.clone() : ShapeMath.unknown(x.length));
                    if (n.opType().equals("Cast") || n.opType().equals("Identity")) {
                        copyValues(in.getFirst(), out);
                    }
                }
            }
            case "Conv", "MaxPool", "AveragePool" -> window(n, x, out);
            case "GlobalAveragePool" -> {
                if (x != null && x.length >= 2) {
                    long[] y = x.clone();
                    Arrays.fill(y, 2, y.length, 1);
                    dims.put(out, y);
                }
            }
            case "Slice" -> slice(n, x, out);
            case "Add", "Sub", "Mul", "Div", "Pow", "Sum", "Max", "Min", "Equal", "Less", "Greater", "Where" -> {
                long[] y = new long[0];
                for (String s : in) {
                    long[] d = dims.get(s);
                    if (d == null) {
                        return;
                    }
                    y = ShapeMath.broadcast(y, d);
                }
                dims.put(out, y);
            }
            case "MatMul" -> matMul(dims.get(in.get(0)), dims.get(in.get(1)), out);
            case "Gemm" -> {
                long[] a = dims.get(in.get(0)), b = dims.get(in.get(1));
                if (a != null && b != null && a.length == 2 && b.length == 2) {
                    dims.put(out, new long[]{a[n.intAttribute("transA", 0) != 0 ? 1 : 0], b[n.intAttribute("transB", 0) != 0 ? 0 : 1]});
                }
            }
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2" -> reduce(n, x, out);
            case "Flatten" -> {
                if (x != null) {
                    int axis = (int) n.intAttribute("axis", 1);
                    axis = axis < 0 ? axis + x.length : axis;
                    dims.put(out, new long[]{ShapeMath.product(x, 0, axis), ShapeMath.product(x, axis, x.length)});
                }
            }
            case "Expand" -> {
                long[] shape = values.get(in.get(1));
                if (x != null && shape != null) {
                    dims.put(out, ShapeMath.broadcast(x, Arrays.stream(shape).map(v -> v == UNKNOWN ? -1 : v).toArray()));
                }
            }
            case "ConstantOfShape" -> {
                long[] shape = values.get(in.getFirst());
                if (shape != null) {
                    dims.put(out, Arrays.stream(shape).map(v -> v == UNKNOWN ? -1 : v).toArray());
                }
            }
            case "Unique" -> { // no axis: flattened; the distinct values, first positions, inverse and counts are 1-D
                if (!n.attributes().containsKey("axis")) {
                    n.outputs().stream().filter(o -> !o.isEmpty()).forEach(o -> dims.put(o, new long[]{-1}));
                }
            }
            case "ScatterND" -> {
                if (x != null) {
                    dims.put(out, x.clone());
                }
            }
            case "OneHot" -> {
                long[] depth = values.get(in.get(1));
                if (x != null) {
                    int axis = (int) n.intAttribute("axis", -1);
                    axis = axis < 0 ? axis + x.length + 1 : axis;
                    List<Long> y = new ArrayList<>(Arrays.stream(x).boxed().toList());
                    y.add(axis, depth != null && depth.length == 1 && depth[0] != UNKNOWN ? depth[0] : -1L);
                    dims.put(out, y.stream().mapToLong(Long::longValue).toArray());
                }
            }
            default -> {
            }
        }
    }

    /** Output dims of a 2-D sliding window (Conv: channels from the kernel), unknown where the input's are. */
    private void window(Node n, long[] x, String out) {
        if (x == null) {
            return;
        }
        long[] y = ShapeMath.unknown(x.length);
        long[] w = n.opType().equals("Conv") && n.inputs().size() > 1 ? dims.get(n.inputs().get(1)) : null;
        y[0] = x[0];
        y[1] = n.opType().equals("Conv") ? (w != null && w.length == x.length ? w[0] : -1) : x[1];
        if (x.length == 4 && x[2] > 0 && x[3] > 0 && "NOTSET".equals(n.attributes().getOrDefault("auto_pad", "NOTSET"))
                && (n.attributes().get("kernel_shape") instanceof long[] || w != null && w.length == 4)) {
            Window win = Window.of(n, w == null ? null : new long[]{w[2], w[3]});
            y[2] = win.out(0, x[2]);
            y[3] = win.out(1, x[3]);
        }
        dims.put(out, y);
    }

    /** Axes of a Reduce*, Unsqueeze or Squeeze node, from its attribute or (newer opsets) its second input. */
    long[] axes(Node n) {
        if (n.attributes().get("axes") instanceof long[] a) {
            return a;
        }
        if (n.inputs().size() > 1 && !n.inputs().get(1).isEmpty()) {
            long[] v = values.get(n.inputs().get(1));
            if (v == null || Arrays.stream(v).anyMatch(x -> x == UNKNOWN)) {
                throw GradientGraph.unsupported(n, "axes must be constant");
            }
            return v;
        }
        return null;
    }

    private void gather(Node n, long[] x, String out) {
        long[] idx = dims.get(n.inputs().get(1));
        if (x == null || idx == null) {
            return;
        }
        int axis = (int) n.intAttribute("axis", 0);
        axis = axis < 0 ? axis + x.length : axis;
        long[] y = new long[x.length - 1 + idx.length];
        System.arraycopy(x, 0, y, 0, axis);
        System.arraycopy(idx, 0, y, axis, idx.length);
        System.arraycopy(x, axis + 1, y, axis + idx.length, x.length - axis - 1);
        dims.put(out, y);
        long[] data = values.get(n.inputs().get(0)), at = values.get(n.inputs().get(1));
        if (data != null && at != null && axis == 0) {
            long[] v = new long[at.length];
            for (int i = 0; i < at.length; i++) {
                long k = at[i] < 0 ? at[i] + data.length : at[i];
                v[i] = at[i] == UNKNOWN || k < 0 || k >= data.length ? UNKNOWN : data[(int) k];
            }
            values.put(out, v);
        }
    }

    private void unsqueeze(Node n, long[] x, String out) {
        long[] axes = axes(n);
        if (x == null || axes == null) {
            return;
        }
        int r = x.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[(int) (a < 0 ? a + r : a)] = true;
        }
        long[] y = new long[r];
        for (int i = 0, k = 0; i < r; i++) {
            y[i] = inserted[i] ? 1 : x[k++];
        }
        dims.put(out, y);
        copyValues(n.inputs().getFirst(), out);
    }

    private void squeeze(Node n, long[] x, String out) {
        if (x == null) {
            return;
        }
        long[] axes = axes(n);
        List<Long> y = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            int k = i;
            boolean drop = axes == null ? x[i] == 1 : Arrays.stream(axes).anyMatch(a -> (a < 0 ? a + x.length : a) == k);
            if (!drop) {
                y.add(x[i]);
            }
        }
        dims.put(out, y.stream().mapToLong(Long::longValue).toArray());
        copyValues(n.inputs().getFirst(), out);
    }

    /** Slice keeps the dims of the axes it does not cut (opset >= 10: starts, ends, axes as inputs). */
    private void slice(Node n, long[] x, String out) {
        if (x == null) {
            return;
        }
        long[] y = x.clone();
        long[] starts = n.inputs().size() > 1 ? values.get(n.inputs().get(1)) : null;
        long[] axes = n.inputs().size() > 3 && !n.inputs().get(3).isEmpty() ? values.get(n.inputs().get(3)) : null;
        if (starts == null || n.inputs().size() > 3 && !n.inputs().get(3).isEmpty() && axes == null) {
            dims.put(out, ShapeMath.unknown(x.length));
            return;
        }
        for (int j = 0; j < starts.length; j++) {
            long a = axes == null ? j : axes[j];
            if (a == UNKNOWN) {
                dims.put(out, ShapeMath.unknown(x.length));
                return;
            }
            y[(int) (a < 0 ? a + x.length : a)] = -1;
        }
        dims.put(out, y);
    }

    private void concat(Node n, String out) {
        long[] first = dims.get(n.inputs().getFirst());
        if (first == null) {
            return;
        }
        int axis = (int) n.intAttribute("axis", 0);
        axis = axis < 0 ? axis + first.length : axis;
        long[] y = first.clone();
        List<Long> v = new ArrayList<>();
        boolean allValues = true;
        for (int i = 0; i < n.inputs().size(); i++) {
            long[] d = dims.get(n.inputs().get(i));
            if (d == null || d.length != first.length) {
                return;
            }
            if (i > 0) {
                y[axis] = y[axis] < 0 || d[axis] < 0 ? -1 : y[axis] + d[axis];
            }
            long[] vals = values.get(n.inputs().get(i));
            if (vals == null) {
                allValues = false;
            } else {
                Arrays.stream(vals).forEach(v::add);
            }
        }
        dims.put(out, y);
        if (allValues && first.length == 1) {
            values.put(out, v.stream().mapToLong(Long::longValue).toArray());
        }
    }

    private void reshape(long[] x, long[] shape, long[] shapeDims, String out) {
        if (shape == null) {
            if (shapeDims != null && shapeDims.length == 1 && shapeDims[0] >= 0) {
                dims.put(out, ShapeMath.unknown((int) shapeDims[0]));
            }
            return;
        }
        long[] y = new long[shape.length];
        int infer = -1;
        for (int i = 0; i < y.length; i++) {
            long s = shape[i];
            y[i] = s == UNKNOWN ? -1 : s == 0 ? (x != null && i < x.length ? x[i] : -1) : s;
            if (s == -1) {
                infer = i;
            }
        }
        if (infer >= 0) {
            long total = x == null ? -1 : ShapeMath.product(x, 0, x.length), rest = 1;
            for (int i = 0; i < y.length; i++) {
                if (i != infer) {
                    rest = y[i] < 0 || rest < 0 ? -1 : rest * y[i];
                }
            }
            y[infer] = total > 0 && rest > 0 ? total / rest : -1;
        }
        dims.put(out, y);
    }

    private void matMul(long[] a, long[] b, String out) {
        if (a == null || b == null || a.length < 2 || b.length < 2) {
            return; // 1-D operands are not differentiated here
        }
        long[] batch = ShapeMath.broadcast(Arrays.copyOf(a, a.length - 2), Arrays.copyOf(b, b.length - 2));
        long[] y = Arrays.copyOf(batch, batch.length + 2);
        y[batch.length] = a[a.length - 2];
        y[batch.length + 1] = b[b.length - 1];
        dims.put(out, y);
    }

    private void reduce(Node n, long[] x, String out) {
        if (x == null) {
            return;
        }
        long[] axes = axes(n);
        boolean keep = n.intAttribute("keepdims", 1) != 0;
        List<Long> y = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            int k = i;
            boolean reduced = axes == null || Arrays.stream(axes).anyMatch(a -> (a < 0 ? a + x.length : a) == k);
            if (!reduced) {
                y.add(x[i]);
            } else if (keep) {
                y.add(1L);
            }
        }
        dims.put(out, y.stream().mapToLong(Long::longValue).toArray());
    }

    private void copyValues(String from, String to) {
        long[] v = values.get(from);
        if (v != null) {
            values.put(to, v);
        }
    }
}
