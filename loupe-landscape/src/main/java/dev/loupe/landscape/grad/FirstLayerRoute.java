package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A first convolution (its input the data), its ReLU and its max pool, at a fixed point, as one fixed linear map of
 * the kernel's tangent. The ReLU's mask and the pool's argmax do not move with the tangent, so the pooled output's
 * tangent is Ẋ[n, o, p] = Σ_j Q[n, o, p, j]·Ṙ[o, j], with Ṙ the kernel (and bias) tangent as rows against the im2col
 * matrix and Q[n, o, p, j] = mask·cols[row chosen by the pool for (n, o, p), j]: the im2col rows the pool picks,
 * masked, prepared once ({@link HvpSplit}). The backward tangent is the adjoint: dṘ[o, j] = Σ_{n,p} Q[n, o, p, j]·dẊ[n, o, p].
 * Per direction that is two products of O·P·J per sample, where the layer-by-layer rules made the whole
 * convolution's tangent (O·H·W·J), masked it, gathered the pool's choice, and back: spread, masked and contracted at
 * full resolution, about a third of the CNN's batched HVP kernel time ({@code loupe bench hessian --profile}).
 */
final class FirstLayerRoute {
    private FirstLayerRoute() {
    }

    /** A chain that qualifies ({@link #chains}); {@code next} is the Conv whose two terms T precontracts, or null. */
    record Chain(Node conv, Node pool, Node next, String foldedBias, long[] wd, long[] pd, Window win, long ho, long wo, long j,
                 boolean hidden, int minVectors) {
        /** Per sample multiply-adds of the route's two products with Q (forward and adjoint), O·P·J each. */
        long products() {
            return 2 * wd[0] * pd[2] * pd[3] * j;
        }

        /** Whether a tangent pass of {@code vectors} directions takes the route. */
        boolean takes(int vectors) {
            return vectors >= minVectors;
        }
    }

    /**
     * Registers the macros of every {@link #chains chain} of {@code m} when the graph is at a point.
     */
    static void apply(ParameterizedModel m, GradientGraph.Emit e, StaticShapes s) {
        if (e.atPoint) {
            for (Chain c : chains(m, s)) {
                if (!c.hidden()) {
                    route(c, e, s, m);
                }
            }
        }
    }

    /**
     * Every Conv → Relu → MaxPool chain of {@code m} that qualifies: a stride-1 Conv ({@link ConvAtPoint#applies}) of a
     * value no weight reaches, its kernel live and read by it alone (its bias live or not), each value read by the next
     * node alone, and Q no larger than four of the convolution's outputs.
     */
    static List<Chain> chains(ParameterizedModel m, StaticShapes s) {
        Set<String> live = GradientGraph.live(m, n -> { });
        java.util.function.Function<String, Node> only = soleReader(m);
        List<Chain> chains = new java.util.ArrayList<>();
        for (Node conv : m.nodes()) {
            if (!conv.opType().equals("Conv") || !live.contains(conv.inputs().get(1)) || only.apply(conv.inputs().get(1)) != conv) {
                continue;
            }
            String bias = conv.inputs().size() > 2 && !conv.inputs().get(2).isEmpty() ? conv.inputs().get(2) : null;
            if (bias != null && live.contains(bias) && only.apply(bias) != conv) {
                continue;
            }
            Node relu = only.apply(conv.outputs().getFirst());
            Node pool = relu == null || !relu.opType().equals("Relu") ? null : only.apply(relu.outputs().getFirst());
            if (pool == null || !pool.opType().equals("MaxPool")) {
                continue;
            }
            long[] xd = s.dims(conv.inputs().get(0)), wd = s.dims(conv.inputs().get(1)), pd = s.dims(pool.outputs().getFirst());
            if (xd == null || xd.length != 4 || wd == null || wd.length != 4 || pd == null || pd.length != 4
                    || java.util.Arrays.stream(wd).anyMatch(d -> d <= 0) || xd[2] <= 0 || xd[3] <= 0 || pd[2] <= 0 || pd[3] <= 0) {
                continue;
            }
            Window win = Window.of(conv, new long[]{wd[2], wd[3]});
            if (!ConvAtPoint.applies(win, conv.intAttribute("group", 1), m.opset())) {
                continue;
            }
            long ho = win.out(0, xd[2]), wo = win.out(1, xd[3]);
            boolean folded = bias != null && live.contains(bias);
            long j = wd[1] * wd[2] * wd[3] + (folded ? 1 : 0);
            if (live.contains(conv.inputs().get(0))) { // hidden: Q holds O·P/(H·W) im2col matrices, read twice a pass ({@link HiddenLayerRoute})
                long minVectors = 2 * Math.ceilDiv(wd[0] * pd[2] * pd[3], ho * wo);
                if (minVectors <= HvpBatchSize.MAX) {
                    chains.add(new Chain(conv, pool, null, folded ? bias : null, wd, pd, win, ho, wo, j, true, (int) minVectors));
                }
                continue;
            }
            if (j * pd[2] * pd[3] > 4 * ho * wo) {
                continue;
            }
            Node next = only.apply(pool.outputs().getFirst());
            chains.add(new Chain(conv, pool, next != null && precontracts(next, pool, live, s, m.opset()) ? next : null,
                    folded ? bias : null, wd, pd, win, ho, wo, j, false, 1));
        }
        return chains;
    }

    /** Value → the one forward node that reads it, or null when none, several, or the value is a model output. */
    static java.util.function.Function<String, Node> soleReader(ParameterizedModel m) {
        Map<String, List<Node>> readers = new HashMap<>();
        for (Node n : m.nodes()) {
            for (String in : n.inputs()) {
                readers.computeIfAbsent(in, k -> new java.util.ArrayList<>()).add(n);
            }
        }
        Set<String> outputs = new java.util.HashSet<>();
        m.outputs().forEach(v -> outputs.add(v.name()));
        return v -> {
            List<Node> r = readers.getOrDefault(v, List.of());
            return r.size() == 1 && !outputs.contains(v) ? r.getFirst() : null;
        };
    }

    /** Whether {@code next}, the pool's one reader, is a Conv whose Ẋᵀ·G(dY) and G(dY)·Ẇ terms the route can precontract. */
    private static boolean precontracts(Node next, Node pool, Set<String> live, StaticShapes s, long opset) {
        if (!next.opType().equals("Conv") || !next.inputs().get(0).equals(pool.outputs().getFirst()) || !live.contains(next.inputs().get(1))) {
            return false;
        }
        long[] wd = s.dims(next.inputs().get(1));
        return wd != null && wd.length == 4 && java.util.Arrays.stream(wd).allMatch(d -> d > 0)
                && ConvAtPoint.applies(Window.of(next, new long[]{wd[2], wd[3]}), next.intAttribute("group", 1), opset);
    }

    /**
     * The macros of one chain; with {@code next} (a Conv reading the pooled value) also T = Qᵀ·G(dY) [O, J, K·O'], G the
     * transposed convolution's im2col of next's dY ({@link ConvAtPoint}), prepared once: next's dW tangent term Ẋᵀ·G
     * becomes Ṙ·T and the term G·Ẇ of dẊ, which only Qᵀ reads, becomes Ẇ·Tᵀ: per direction O·J·K·O' multiply-adds in
     * all instead of two products of the size of next's convolution per sample.
     */
    private static void route(Chain c, GradientGraph.Emit e, StaticShapes s, ParameterizedModel m) {
        Node conv = c.conv(), pool = c.pool();
        Node next = c.next() != null && e.gradients.get(c.next().outputs().getFirst()) != null ? c.next() : null;
        String foldedBias = c.foldedBias();
        long[] wd = c.wd(), pd = c.pd();
        long j = c.j();
        OnnxModelBuilder b = e.b;
        String w = conv.inputs().get(1), pooled = pool.outputs().getFirst();
        long o = wd[0];
        boolean folded = foldedBias != null;
        String qt = qt(c, e);
        java.util.function.Function<java.util.function.UnaryOperator<String>, String> rows = rows(c, e);
        e.macros.put(conv.outputs().getFirst(), t -> null); // the layer's own tangents are not needed: the pooled one comes from Q
        e.macros.put(pooled, t -> rows.apply(t) == null ? null : forward(rows.apply(t), qt, c, e));
        String dx = e.gradients.get(pooled);
        if (dx == null) {
            return;
        }
        String tm = null, w2 = null;
        long[] w2d = null;
        if (next != null) {
            w2 = next.inputs().get(1);
            w2d = s.dims(w2);
            Window win2 = Window.of(next, new long[]{w2d[2], w2d[3]});
            String g = ConvAtPoint.transposedCols(e.gradients.get(next.outputs().getFirst()), new long[]{-1, o, pd[2], pd[3]}, win2,
                    win2.out(0, pd[2]), win2.out(1, pd[3]), w2d[0], e); // [N·P, K'·O']
            tm = b.op("MatMul", qt, g); // [O, J, K'·O']
            String t2 = tm;
            long[] d2 = w2d;
            e.routed.put(pooled, t -> { // next's dW tangent term: Ṙ·T as [k, O, K'·O'], a kernel [k, O', O, kh, kw]
                if (rows.apply(t) == null) {
                    return null;
                }
                String r = b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("MatMul", rows.apply(t), t2));
                return ConvAtPoint.fromCko(e.vectors == 1 ? b.op("Reshape", r, e.ints(o, -1)) : r, d2, e);
            });
        }
        String tmFinal = tm, w2Final = w2;
        long[] w2dFinal = w2d;
        Map<Integer, String> adjoint = new HashMap<>(); // dṘ [(k,) O, J] per pass, made once for the kernel and the bias
        java.util.function.Function<java.util.function.UnaryOperator<String>, String> back = t -> {
            if (!adjoint.containsKey(e.vectors)) {
                int k = e.vectors;
                GradientGraph.InputRoute through = next == null ? null : e.inputRoutes.get(next.outputs().getFirst());
                String sum = through != null && through.takes(k) ? through.adjoint().apply(t) // M's adjoint (SecondLayerRoute)
                        : t.apply(dx) == null ? null : adjoint(t.apply(dx), qt, c, e);
                if (tmFinal != null && t.apply(w2Final) != null) { // Ẇ' [k, O', O, K'] as [O, k, K'·O'] times Tᵀ
                    String wr = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{2, 0, 3, 1}),
                            b.op("Reshape", t.apply(w2Final), e.ints(k, w2dFinal[0], o, w2dFinal[2] * w2dFinal[3]))), e.ints(o, k, -1));
                    String part = b.op("MatMul", wr, b.op("Transpose", Map.of("perm", new long[]{0, 2, 1}), tmFinal));
                    sum = sum == null ? part : b.op("Add", sum, part);
                }
                adjoint.put(k, sum == null ? null : byVector(sum, c, e));
            }
            return adjoint.get(e.vectors);
        };
        var layout = m.layout();
        e.macros.put(GradientGraph.gradName(layout.names().indexOf(w)), t -> back.apply(t) == null ? null
                : ConvAtPoint.kernelPart(back.apply(t), wd, folded, e));
        if (folded) {
            e.macros.put(GradientGraph.gradName(layout.names().indexOf(foldedBias)), t -> back.apply(t) == null ? null
                    : ConvAtPoint.biasPart(back.apply(t), o, j, e));
        }
    }

    /** Q as [O, J, N·P]: the im2col rows the pool chose (its indices are flat over [N, O, H, W]), masked where ReLU was off. */
    static String qt(Chain c, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long o = c.wd()[0], hw = c.ho() * c.wo(), p = c.pd()[2] * c.pd()[3];
        String pooled = c.pool().outputs().getFirst();
        String cols = ConvAtPoint.cols(c.conv().inputs().get(0), c.wd()[1], c.win(), c.ho(), c.wo(), c.foldedBias() != null, e);
        String idx = GradientGraph.poolIndices(c.pool());
        String row = b.op("Add", b.op("Mul", b.op("Div", idx, e.ints(o * hw)), e.ints(hw)), b.op("Mod", idx, e.ints(hw)));
        // gathered from colsᵀ in [O, N, P] order, each of its J rows a block that stays in cache, then moved by whole [N·P]
        // blocks: gathering [N, O, P, J] and transposing J past N·P took 3 s a point on the fixture CNN's 1,000 samples
        java.util.function.UnaryOperator<String> byChannel = v -> b.op("Reshape",
                b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", v, e.ints(0, o, p))), e.ints(1, -1));
        String colsT = b.op("Transpose", Map.of("perm", new long[]{1, 0}), cols); // [J, N·H·W]
        String rows = b.op("Reshape", byChannel.apply(row), e.ints(-1));
        String q = b.op("Mul", b.op("Gather", Map.of("axis", 1L), colsT, rows), byChannel.apply(e.positive(pooled))); // [J, O·N·P]
        return b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", q, e.ints(c.j(), o, -1)));
    }

    /** The kernel (and folded bias) tangent Ṙ as [O, k, J], made once per pass. */
    static java.util.function.Function<java.util.function.UnaryOperator<String>, String> rows(Chain c, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        String w = c.conv().inputs().get(1), bias = c.foldedBias();
        Map<Integer, String> byPass = new HashMap<>();
        return t -> {
            if (!byPass.containsKey(e.vectors)) {
                String r = ConvAtPoint.tangentRows(t.apply(w), bias != null ? t.apply(bias) : null, w, bias, c.wd(), bias != null, e);
                byPass.put(e.vectors, r == null ? null
                        : b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", r, e.ints(e.vectors, c.wd()[0], c.j()))));
            }
            return byPass.get(e.vectors);
        };
    }

    /** The pooled value's tangent Ṙ·Q, from Ṙ [O, k, J]: [(k,) N, O, P₁, P₂]. */
    static String forward(String rows, String qt, Chain c, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        long o = c.wd()[0], p = c.pd()[2] * c.pd()[3];
        String z = b.op("Reshape", b.op("MatMul", rows, qt), e.ints(o, k, -1, p)); // [O, k, N, P]
        String moved = b.op("Transpose", Map.of("perm", new long[]{1, 2, 0, 3}), z);
        return b.op("Reshape", moved, e.ints(HvpGraph.withVectors(k, new long[]{-1, o, c.pd()[2], c.pd()[3]})));
    }

    /** The adjoint Qᵀ of the pooled value's gradient tangent [(k,) N, O, P₁, P₂]: dṘ as [O, k, J]. */
    static String adjoint(String dPooled, String qt, Chain c, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long o = c.wd()[0], p = c.pd()[2] * c.pd()[3];
        String d = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{2, 0, 1, 3}),
                b.op("Reshape", dPooled, e.ints(e.vectors, -1, o, p))), e.ints(o, e.vectors, -1)); // [O, k, N·P]
        return b.op("MatMul", d, b.op("Transpose", Map.of("perm", new long[]{0, 2, 1}), qt));
    }

    /** [O, k, J] as the kernel rules' [(k,) O, J]. */
    static String byVector(String okj, Chain c, GradientGraph.Emit e) {
        return e.vectors == 1 ? e.b.op("Reshape", okj, e.ints(c.wd()[0], c.j()))
                : e.b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), okj);
    }
}
