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
 * the kernel's tangent ({@link PoolChain}'s Q): the pooled tangent is Ṙ·Q and the kernel gradient's tangent the
 * adjoint of the pooled gradient's.
 * Per direction that is two products of O·P·J per sample, where the layer-by-layer rules made the whole
 * convolution's tangent (O·H·W·J), masked it, gathered the pool's choice, and back: spread, masked and contracted at
 * full resolution, about a third of the CNN's batched HVP kernel time ({@code loupe bench hessian --profile}).
 */
final class FirstLayerRoute {
    private FirstLayerRoute() {
    }

    /**
     * Registers the macros of every {@link PoolChain#of first chain} of {@code m} when the graph is at a point.
     */
    static void apply(ParameterizedModel m, GradientGraph.Emit e, StaticShapes s) {
        if (e.atPoint) {
            for (PoolChain c : PoolChain.of(m, s)) {
                if (!c.hidden()) {
                    route(c, e, s, m);
                }
            }
        }
    }

    /**
     * The macros of one chain; with {@code next} (a Conv reading the pooled value) also T = Qᵀ·G(dY) [O, J, K·O'], G the
     * transposed convolution's im2col of next's dY ({@link ConvAtPoint}), prepared once: next's dW tangent term Ẋᵀ·G
     * becomes Ṙ·T and the term G·Ẇ of dẊ, which only Qᵀ reads, becomes Ẇ·Tᵀ: per direction O·J·K·O' multiply-adds in
     * all instead of two products of the size of next's convolution per sample.
     */
    private static void route(PoolChain c, GradientGraph.Emit e, StaticShapes s, ParameterizedModel m) {
        Node conv = c.conv(), pool = c.pool();
        Node next = c.next() != null && e.gradients.get(c.next().outputs().getFirst()) != null ? c.next() : null;
        String foldedBias = c.foldedBias();
        long[] wd = c.wd(), pd = c.pd();
        long j = c.j();
        OnnxModelBuilder b = e.b;
        String w = conv.inputs().get(1), pooled = pool.outputs().getFirst();
        long o = wd[0];
        boolean folded = foldedBias != null;
        String qt = c.qt(e);
        java.util.function.Function<java.util.function.UnaryOperator<String>, String> rows = c.rows(e);
        e.macros.put(conv.outputs().getFirst(), t -> null); // the layer's own tangents are not needed: the pooled one comes from Q
        e.macros.put(pooled, t -> rows.apply(t) == null ? null : c.forward(rows.apply(t), qt, e));
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
                        : t.apply(dx) == null ? null : c.adjoint(t.apply(dx), qt, e);
                if (tmFinal != null && t.apply(w2Final) != null) { // Ẇ' [k, O', O, K'] as [O, k, K'·O'] times Tᵀ
                    String wr = b.op("Reshape", b.op("Transpose", Map.of("perm", new long[]{2, 0, 3, 1}),
                            b.op("Reshape", t.apply(w2Final), e.ints(k, w2dFinal[0], o, w2dFinal[2] * w2dFinal[3]))), e.ints(o, k, -1));
                    String part = b.op("MatMul", wr, b.op("Transpose", Map.of("perm", new long[]{0, 2, 1}), tmFinal));
                    sum = sum == null ? part : b.op("Add", sum, part);
                }
                adjoint.put(k, sum == null ? null : c.byVector(sum, e));
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
}
