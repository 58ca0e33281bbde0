package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Conv → Relu → MaxPool chain at a fixed point, and its Q: the ReLU's mask and the pool's argmax do not move with the
 * tangent, so the kernel (and bias) tangent Ṙ, as rows against the im2col matrix, reaches the pooled value as
 * Ẋ[n, o, p] = Σ_j Q[n, o, p, j]·Ṙ[o, j] with Q[n, o, p, j] = mask·cols[row chosen by the pool for (n, o, p), j] (the im2col
 * rows the pool picks, masked, prepared once by {@link HvpSplit}), and the gradient's tangent takes the adjoint
 * dṘ[o, j] = Σ_{n,p} Q[n, o, p, j]·dẊ[n, o, p]. A first chain (its input the data) is that map whole
 * ({@link FirstLayerRoute}); a hidden chain's kernel terms go through it ({@link HiddenLayerRoute}), and a first chain
 * followed by a hidden one through one more prepared matrix ({@link SecondLayerRoute}).
 *
 * @param next       for a first chain, the Conv reading its pool whose two terms T precontracts, or null
 * @param foldedBias the bias when it is a weight (one more column of ones in the im2col matrix), else null
 * @param wd         the kernel's dims; {@code pd} the pooled value's
 * @param j          columns of the im2col matrix: K·C, plus 1 for a folded bias
 * @param minVectors directions a tangent pass needs to take the chain's route (1 for first chains)
 */
record PoolChain(Node conv, Node pool, Node next, String foldedBias, long[] wd, long[] pd, Window win, long ho, long wo, long j,
                 boolean hidden, int minVectors) {
    /** Per sample multiply-adds of the route's two products with Q (forward and adjoint), O·P·J each. */
    long products() {
        return 2 * wd[0] * pd[2] * pd[3] * j;
    }

    /** Whether a tangent pass of {@code vectors} directions takes the route. */
    boolean takes(int vectors) {
        return vectors >= minVectors;
    }

    /**
     * Every Conv → Relu → MaxPool chain of {@code m} that qualifies: a stride-1 Conv ({@link ConvAtPoint#applies}), its
     * kernel live and read by it alone (its bias live or not), each value read by the next node alone; a first chain's
     * Q no larger than four of the convolution's outputs, a hidden chain's taken from twice the im2col matrices it
     * holds (O·P/(H·W)) directions on, and only if a pass may have that many ({@link HvpBatchSize#MAX}).
     */
    static List<PoolChain> of(ParameterizedModel m, StaticShapes s) {
        Set<String> live = GradientGraph.live(m, n -> { });
        java.util.function.Function<String, Node> only = soleReader(m);
        List<PoolChain> chains = new java.util.ArrayList<>();
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
            if (live.contains(conv.inputs().get(0))) { // hidden: Q holds O·P/(H·W) im2col matrices, read twice a pass
                long minVectors = 2 * Math.ceilDiv(wd[0] * pd[2] * pd[3], ho * wo);
                if (minVectors <= HvpBatchSize.MAX) {
                    chains.add(new PoolChain(conv, pool, null, folded ? bias : null, wd, pd, win, ho, wo, j, true, (int) minVectors));
                }
                continue;
            }
            if (j * pd[2] * pd[3] > 4 * ho * wo) {
                continue;
            }
            Node next = only.apply(pool.outputs().getFirst());
            chains.add(new PoolChain(conv, pool, next != null && precontracts(next, pool, live, s, m.opset()) ? next : null,
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

    /** Q as [O, J, N·P]: the im2col rows the pool chose (its indices are flat over [N, O, H, W]), masked where ReLU was off. */
    String qt(GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long o = wd()[0], hw = ho() * wo(), p = pd()[2] * pd()[3];
        String pooled = pool().outputs().getFirst();
        String cols = ConvAtPoint.cols(conv().inputs().get(0), wd()[1], win(), ho(), wo(), foldedBias() != null, e);
        String idx = GradientGraph.poolIndices(pool());
        String row = b.op("Add", b.op("Mul", b.op("Div", idx, e.ints(o * hw)), e.ints(hw)), b.op("Mod", idx, e.ints(hw)));
        // gathered from colsᵀ in [O, N, P] order, each of its J rows a block that stays in cache, then moved by whole [N·P]
        // blocks: gathering [N, O, P, J] and transposing J past N·P took 3 s a point on the fixture CNN's 1,000 samples
        java.util.function.UnaryOperator<String> byChannel = v -> b.op("Reshape",
                b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", v, e.ints(0, o, p))), e.ints(1, -1));
        String colsT = b.op("Transpose", Map.of("perm", new long[]{1, 0}), cols); // [J, N·H·W]
        String rows = b.op("Reshape", byChannel.apply(row), e.ints(-1));
        String q = b.op("Mul", b.op("Gather", Map.of("axis", 1L), colsT, rows), byChannel.apply(e.positive(pooled))); // [J, O·N·P]
        return b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", q, e.ints(j(), o, -1)));
    }

    /** The kernel (and folded bias) tangent Ṙ as [O, k, J], made once per pass. */
    java.util.function.Function<java.util.function.UnaryOperator<String>, String> rows(GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        String w = conv().inputs().get(1), bias = foldedBias();
        Map<Integer, String> byPass = new HashMap<>();
        return t -> {
            if (!byPass.containsKey(e.vectors)) {
                String r = ConvAtPoint.tangentRows(t.apply(w), bias != null ? t.apply(bias) : null, w, bias, wd(), bias != null, e);
                byPass.put(e.vectors, r == null ? null
                        : b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), b.op("Reshape", r, e.ints(e.vectors, wd()[0], j()))));
            }
            return byPass.get(e.vectors);
        };
    }

    /** The pooled value's tangent Ṙ·Q, from Ṙ [O, k, J]: [(k,) N, O, P₁, P₂]. */
    String forward(String rows, String qt, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        int k = e.vectors;
        long o = wd()[0], p = pd()[2] * pd()[3];
        String z = b.op("Reshape", b.op("MatMul", rows, qt), e.ints(o, k, -1, p)); // [O, k, N, P]
        String moved = b.op("Transpose", Map.of("perm", new long[]{1, 2, 0, 3}), z);
        return b.op("Reshape", moved, e.ints(HvpGraph.withVectors(k, new long[]{-1, o, pd()[2], pd()[3]})));
    }

    /** The adjoint Qᵀ of the pooled value's gradient tangent [(k,) N, O, P₁, P₂]: dṘ as [O, k, J]. */
    String adjoint(String dPooled, String qt, GradientGraph.Emit e) {
        OnnxModelBuilder b = e.b;
        long o = wd()[0], p = pd()[2] * pd()[3];
        String d = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{2, 0, 1, 3}),
                b.op("Reshape", dPooled, e.ints(e.vectors, -1, o, p))), e.ints(o, e.vectors, -1)); // [O, k, N·P]
        return b.op("MatMul", d, b.op("Transpose", Map.of("perm", new long[]{0, 2, 1}), qt));
    }

    /** [O, k, J] as the kernel rules' [(k,) O, J]. */
    String byVector(String okj, GradientGraph.Emit e) {
        return e.vectors == 1 ? e.b.op("Reshape", okj, e.ints(wd()[0], j()))
                : e.b.op("Transpose", Map.of("perm", new long[]{1, 0, 2}), okj);
    }
}
