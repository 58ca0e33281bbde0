package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A 2-D Conv (one group, stride 1, no dilation) at a fixed point, written so that its Hessian-vector product needs
 * no convolution with a varying kernel and no im2col per product. Two matrices depend only on the point and the
 * batch, so {@link HvpSplit} computes them once:
 * <ul>
 *   <li>cols(X) [N·Ho·Wo, K·C], X's im2col (row: an output position; column k·C + c);</li>
 *   <li>G(dY) [N·H·W, K·O], the im2col of the transposed convolution: G[(n, a, b), (k, o)] = dY[n, o, a + p − kh, b + p − kw]
 *   (0 outside), so that dX = G·W and dW[o, c, k] = Σ X[n, c, a, b]·G[(n, a, b), (k, o)].</li>
 * </ul>
 * Then per product, besides the two constant-kernel convolutions Conv(Ẋ, W) and dX's Conv(dẎ, flip W), four batched
 * matrix products, one per sample, with no transpose of an activation: cols(X)·Ẇ (tangent of Y), dẎ·cols(X) and Ẋ·G
 * (tangent of dW), G·Ẇ (tangent of dX); ONNX Runtime's Conv with a kernel that is an input runs an im2col per sample
 * and per call instead, and the im2col of Ẋ for dW's tangent took as long as the product itself ({@code loupe bench
 * hessian --profile}). The tangents are registered as {@link GradientGraph.Emit#macros} for Y, dX and dW.
 */
final class ConvAtPoint {
    private ConvAtPoint() {
    }

    /** Slices take their bounds as inputs from opset 10 on. */
    static boolean applies(Window win, long groups, GradientGraph.Emit e) {
        return e.atPoint && applies(win, groups, e.opset);
    }

    /** As {@link #applies(Window, long, GradientGraph.Emit)} for a graph at a point of opset {@code opset}. */
    static boolean applies(Window win, long groups, long opset) {
        if (opset < 10) {
            return false;
        }
        for (int i = 0; i < 2; i++) {
            if (win.strides()[i] != 1 || win.dilations()[i] != 1 || win.pads()[i] > win.kernel()[i] - 1
                    || win.pads()[i + 2] > win.kernel()[i] - 1) {
                return false;
            }
        }
        return groups == 1;
    }

    /**
     * dX (via {@code dxRule}, the ordinary flipped-kernel Conv), dW and, when the bias is a weight too, its gradient
     * (put as {@code g}'s entry 2), with their tangents. With a bias, cols(X) gets a last column of ones: the bias
     * is then one more kernel column, so Y's tangent is one product with no broadcast Add of ḃ over the activations
     * and the bias gradient is dW's last column instead of a ReduceSum over dY (both were a pass over the largest
     * tensors of the tangent graph, {@code loupe bench hessian --profile}).
     */
    static void backward(Node n, String dy, long[] xd, long[] wd, Window win, long ho, long wo, GradientGraph.Emit e,
                         Set<String> live, Map<Integer, String> g, java.util.function.Supplier<String> dxRule) {
        OnnxModelBuilder b = e.b;
        String x = n.inputs().get(0), w = n.inputs().get(1);
        String bias = n.inputs().size() > 2 && !n.inputs().get(2).isEmpty() ? n.inputs().get(2) : null;
        boolean folded = bias != null && live.contains(bias) && live.contains(w);
        long o = wd[0], c = wd[1];
        long hw = ho * wo, xhw = xd[2] * xd[3], k = wd[2] * wd[3], kc = k * c + (folded ? 1 : 0);
        String cols = cols(x, c, win, ho, wo, folded, e);
        String gm = live.contains(x) ? transposedCols(dy, xd, win, ho, wo, o, e) : null;
        if (live.contains(w)) {
            String dwb = contract(dy, o, cols, hw, kc, e);
            g.put(1, kernelPart(dwb, wd, folded, e));
            Map<Integer, String> tangent = new java.util.HashMap<>(); // the tangent of [dW | db] per pass, made once for both
            java.util.function.Function<java.util.function.UnaryOperator<String>, String> dwbTangent = t -> {
                if (!tangent.containsKey(e.vectors)) {
                    GradientGraph.KernelRoute route = e.kernelRoutes.get(n.outputs().getFirst());
                    tangent.put(e.vectors, route != null && route.takes(e.vectors) ? route.adjoint().apply(t)
                            : t.apply(dy) == null ? null : contract(t.apply(dy), o, cols, hw, kc, e));
                }
                return tangent.get(e.vectors);
            };
            e.macros.put(g.get(1), t -> sum(b, dwbTangent.apply(t) == null ? null : kernelPart(dwbTangent.apply(t), wd, folded, e),
                    e.routed.containsKey(x) ? e.routed.get(x).apply(t)
                            : t.apply(x) == null || gm == null ? null : fromCko(contract(t.apply(x), c, gm, xhw, k * o, e), wd, e)));
            if (folded) {
                g.put(2, biasPart(dwb, o, kc, e));
                e.macros.put(g.get(2), t -> dwbTangent.apply(t) == null ? null : biasPart(dwbTangent.apply(t), o, kc, e));
            }
        }
        if (live.contains(x)) {
            String dx = dxRule.get();
            Node conv = b.nodes().getLast(); // the flipped-kernel Conv making dx
            g.put(0, dx);
            e.macros.put(dx, t -> sum(b, t.apply(dy) == null ? null : perSample(b.op("Conv", conv.attributes(), fold(t.apply(dy), o, ho, wo, e),
                            conv.inputs().get(1)), c, xd[2], xd[3], e),
                    t.apply(w) == null || e.routed.containsKey(x) ? null : apply(kernelRows(t.apply(w), wd, new long[]{1, 2, 0}, e), c, gm, xhw, k * o, xd[2], xd[3], e)));
        }
        String y = n.outputs().getFirst();
        e.macros.put(y, t -> {
            String tb = bias == null ? null : t.apply(bias);
            GradientGraph.KernelRoute route = e.kernelRoutes.get(y); // the pooled tangent then carries the kernel terms
            String rows = route != null && route.takes(e.vectors) ? null : tangentRows(t.apply(w), tb, w, bias, wd, folded, e);
            GradientGraph.InputRoute through = e.inputRoutes.get(y);
            return sum(b, t.apply(x) == null || through != null && through.takes(e.vectors) ? null : perSample(b.op("Conv", n.attributes(), fold(t.apply(x), c, xd[2], xd[3], e), w), o, ho, wo, e),
                    rows == null ? null : apply(rows, o, cols, hw, kc, ho, wo, e),
                    folded || tb == null ? null : b.op("Reshape", tb, e.ints(e.vectors == 1 ? new long[]{1, -1, 1, 1} : new long[]{e.vectors, 1, -1, 1, 1})));
        });
    }

    /**
     * The tangents of kernel {@code w} and (when {@code folded}) bias as rows against cols, [k·O, K·C (+1)]: [Ẇ rows | ḃ],
     * a missing one as zeros; null when neither has a tangent.
     */
    static String tangentRows(String tw, String tb, String w, String bias, long[] wd, boolean folded, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        if (folded && (tw != null || tb != null)) {
            String wr = kernelRows(tw != null ? tw : zeros(w, wd, e), wd, new long[]{0, 2, 1}, e);
            String br = b.op("Reshape", tb != null ? tb : zeros(bias, new long[]{wd[0]}, e), e.ints(e.vectors * wd[0], 1));
            return b.op("Concat", Map.of("axis", 1L), wr, br);
        }
        return tw == null ? null : kernelRows(tw, wd, new long[]{0, 2, 1}, e);
    }

    /** The kernel's part [(k,) O, C, kh, kw] of a [(k,) O, K·C (+1)] product with cols. */
    static String kernelPart(String okc, long[] wd, boolean folded, GradientGraph.Emit e) {
        long kc = wd[1] * wd[2] * wd[3];
        return fromOkc(folded ? e.b.op("Slice", okc, e.ints(0), e.ints(kc), e.ints(e.vectors == 1 ? 1 : 2)) : okc, wd, e);
    }

    /** The bias column [(k,) O] of a [(k,) O, K·C + 1] product with cols. */
    static String biasPart(String okc, long o, long kc, GradientGraph.Emit e) {
        String col = e.b.op("Slice", okc, e.ints(kc - 1), e.ints(kc), e.ints(e.vectors == 1 ? 1 : 2));
        return e.b.op("Reshape", col, e.vectors == 1 ? e.ints(o) : e.ints(e.vectors, o));
    }

    /** Zeros of a weight's tangent in the pass being written: its shape, with the vector axis when it carries several. */
    private static String zeros(String weight, long[] dims, GradientGraph.Emit e) {
        return e.vectors == 1 ? e.b.op("Mul", weight, e.scalar(0f)) : e.b.op("ConstantOfShape", e.ints(HvpGraph.withVectors(e.vectors, dims)));
    }

    /** A tangent [k, N, F, P, Q] as [k·N, F, P, Q] for a constant-kernel Conv (itself for one direction). */
    private static String fold(String t, long f, long p, long q, GradientGraph.Emit e) {
        return e.vectors == 1 ? t : e.b.op("Reshape", t, e.ints(-1, f, p, q));
    }

    /** The inverse of {@link #fold}: [k·N, F, P, Q] as [k, N, F, P, Q]. */
    private static String perSample(String t, long f, long p, long q, GradientGraph.Emit e) {
        return e.vectors == 1 ? t : e.b.op("Reshape", t, e.ints(e.vectors, -1, f, p, q));
    }

    /** im2col of X: one Slice of the padded input per kernel position, [N·Ho·Wo, K·C], with {@code ones}: and a column of ones. */
    static String cols(String x, long c, Window win, long ho, long wo, boolean ones, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        String xp = e.pad(x, new long[]{0, 0, win.pads()[0], win.pads()[1], 0, 0, win.pads()[2], win.pads()[3]});
        List<String> parts = new ArrayList<>();
        for (long kh = 0; kh < win.kernel()[0]; kh++) {
            for (long kw = 0; kw < win.kernel()[1]; kw++) {
                parts.add(b.op("Slice", xp, e.ints(kh, kw), e.ints(kh + ho, kw + wo), e.ints(2, 3)));
            }
        }
        long width = parts.size() * c;
        if (ones) { // [N, 1, Ho, Wo] of ones: a plane of ones expanded over the samples
            float[] plane = new float[(int) (ho * wo)];
            java.util.Arrays.fill(plane, 1f);
            String one = b.fresh("ones");
            b.initializer(one, plane, 1, 1, ho, wo);
            String n = b.op("Slice", b.op("Shape", x), e.ints(0), e.ints(1));
            parts.add(b.op("Expand", one, b.op("Concat", Map.of("axis", 0L), n, e.ints(1, 1, 1))));
            width++;
        }
        return positionsByColumns(parts, width, e);
    }

    /** G(dY) [N·H·W, K·O]: per kernel position, dY shifted by (p − kh, p − kw) onto the input grid. */
    static String transposedCols(String dy, long[] xd, Window win, long ho, long wo, long o, GradientGraph.Emit e) {
        long h = xd[2], w = xd[3], kh0 = win.kernel()[0], kw0 = win.kernel()[1];
        long bh = Math.max(0, kh0 - 1 - win.pads()[0]), bw = Math.max(0, kw0 - 1 - win.pads()[1]);
        long eh = Math.max(0, h - 1 + win.pads()[0] - (ho - 1)), ew = Math.max(0, w - 1 + win.pads()[1] - (wo - 1));
        String dyp = e.pad(dy, new long[]{0, 0, bh, bw, 0, 0, eh, ew});
        List<String> parts = new ArrayList<>();
        for (long kh = 0; kh < kh0; kh++) {
            for (long kw = 0; kw < kw0; kw++) {
                long r = win.pads()[0] - kh + bh, q = win.pads()[1] - kw + bw;
                parts.add(e.b.op("Slice", dyp, e.ints(r, q), e.ints(r + h, q + w), e.ints(2, 3)));
            }
        }
        return positionsByColumns(parts, parts.size() * o, e);
    }

    /** K tensors [N, F, P, Q] concatenated as columns k·F + f of a [N·P·Q, K·F] matrix. */
    private static String positionsByColumns(List<String> parts, long kf, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        String cat = parts.size() == 1 ? parts.getFirst() : b.op("Concat", Map.of("axis", 1L), parts.toArray(String[]::new));
        String last = b.op("Transpose", Map.of("perm", new long[]{0, 2, 3, 1}), cat);
        return b.op("Reshape", last, e.ints(-1, kf));
    }

    /**
     * Σ over samples n and positions q of v[n, f, q]·m[(n, q), j] = [F, J]: one small product per sample, summed (one
     * product with K = N·positions, on v transposed to [F, N·positions], was the slowest node of the graph). With k
     * directions v [k, N, F, …] becomes [N, k·F, positions] (one transpose of the tangent), so that each sample's
     * block of m, the large prepared matrix, is read once for all k: [k, F, J].
     */
    private static String contract(String v, long f, String m, long positions, long j, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        String mr = b.op("Reshape", m, e.ints(-1, positions, j));
        if (k == 1) {
            return e.reduceSum(b.op("MatMul", b.op("Reshape", v, e.ints(0, f, positions)), mr), new long[]{0}, false);
        }
        String vt = b.op("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), b.op("Reshape", v, e.ints(k, -1, f, positions)));
        String prod = b.op("MatMul", b.op("Reshape", vt, e.ints(k * f, -1)), b.op("Reshape", m, e.ints(-1, j)));
        return b.op("Reshape", prod, e.ints(k, f, j));
    }

    /**
     * r [F, J] times each sample's block of m [(n, q), j] transposed: [N, F, positions] as [N, F, p, q] (no output
     * transpose). With k directions r is [k·F, J] (the k tangents stacked as rows, one product per sample) and the
     * result [N, k, F, …] moves to [k, N, F, p, q].
     */
    private static String apply(String r, long f, String m, long positions, long j, long p, long q, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        if (k == 1) {
            String mt = b.op("Transpose", Map.of("perm", new long[]{0, 2, 1}), b.op("Reshape", m, e.ints(-1, positions, j)));
            return b.op("Reshape", b.op("MatMul", r, mt), e.ints(-1, f, p, q));
        }
        // one GEMM over all samples, [k·F, J]·mᵀ (mᵀ prepared): about 1.7× the rate of a product per sample (profile, 1 thread)
        String y = b.op("Reshape", b.op("MatMul", r, b.op("Transpose", Map.of("perm", new long[]{1, 0}), m)), e.ints(k, f, -1, positions));
        return b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), y), e.ints(k, -1, f, p, q));
    }

    /**
     * A kernel [O, C, kh, kw] viewed as [O, C, K], axes permuted by {@code perm}, the last two merged: [A, B·C']; k
     * kernel tangents [k, O, C, kh, kw] give their k matrices stacked as rows, [k·A, B·C'].
     */
    private static String kernelRows(String w, long[] wd, long[] perm, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        long[] dims = {wd[0], wd[1], wd[2] * wd[3]};
        if (k == 1) {
            String t = b.op("Transpose", Map.of("perm", perm), b.op("Reshape", w, e.ints(dims)));
            return b.op("Reshape", t, e.ints(dims[(int) perm[0]], -1));
        }
        long[] p = {0, perm[0] + 1, perm[1] + 1, perm[2] + 1};
        String t = b.op("Transpose", Map.of("perm", p), b.op("Reshape", w, e.ints(k, dims[0], dims[1], dims[2])));
        return b.op("Reshape", t, e.ints(k * dims[(int) perm[0]], -1));
    }

    /** [(k,) O, K·C] as a kernel [(k,) O, C, kh, kw]. */
    static String fromOkc(String m, long[] wd, GradientGraph.Emit e) {
        return toKernel(m, new long[]{wd[0], wd[2] * wd[3], wd[1]}, new long[]{0, 2, 1}, wd, e);
    }

    /** [(k,) C, K·O] as a kernel [(k,) O, C, kh, kw]. */
    static String fromCko(String m, long[] wd, GradientGraph.Emit e) {
        return toKernel(m, new long[]{wd[1], wd[2] * wd[3], wd[0]}, new long[]{2, 0, 1}, wd, e);
    }

    /** m viewed as {@code dims} (three axes), permuted by {@code perm} to [O, C, K] and shaped as the kernel; each of k directions alike. */
    private static String toKernel(String m, long[] dims, long[] perm, long[] wd, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        if (k == 1) {
            return b.op("Reshape", b.op("Transpose", Map.of("perm", perm), b.op("Reshape", m, e.ints(dims))), e.ints(wd));
        }
        long[] p = {0, perm[0] + 1, perm[1] + 1, perm[2] + 1};
        String t = b.op("Transpose", Map.of("perm", p), b.op("Reshape", m, e.ints(k, dims[0], dims[1], dims[2])));
        return b.op("Reshape", t, e.ints(HvpGraph.withVectors(k, wd)));
    }

    /** Non-null parts added pairwise, left to right: ONNX Runtime fuses an Add after a Conv into the convolution. */
    private static String sum(OnnxModelBuilder b, String... parts) {
        String acc = null;
        for (String p : parts) {
            acc = p == null ? acc : acc == null ? p : b.op("Add", acc, p);
        }
        return acc;
    }
}
