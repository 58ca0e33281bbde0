package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterLayout;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact Hessian-vector products as an ONNX graph: the {@link GradientGraph}, then forward-mode
 * derivatives ({@link TangentRules}) of every one of its nodes along a tangent direction u fed as
 * inputs {@link #tangentName}. The outputs {@link #hvpName} are d/dε ∇L(θ + εu) = H·u for the batch's
 * summed loss, in one run, with no step size to choose.
 */
public final class HvpGraph {
    private HvpGraph() {
    }

    public static String tangentName(int param) {
        return "loupe_tangent_" + param;
    }

    public static String hvpName(int param) {
        return "loupe_hvp_" + param;
    }

    /** The input of weight {@code param}'s {@code vectors} directions [vectors, …its shape] (count 1: {@link #tangentName(int)}). */
    public static String tangentName(int param, int vectors) {
        return vectors == 1 ? tangentName(param) : "loupe_tangents" + vectors + "_" + param;
    }

    /** The output H·v₁…H·v_k of weight {@code param} [vectors, …its shape] (count 1: {@link #hvpName(int)}). */
    public static String hvpName(int param, int vectors) {
        return vectors == 1 ? hvpName(param) : "loupe_hvps" + vectors + "_" + param;
    }

    public static byte[] build(ParameterizedModel m, LossKind kind, int classesOrWidth) {
        return build(m, kind, classesOrWidth, null);
    }

    /**
     * With {@code at} non-null the weights are constants of those values and the tangents the only inputs besides
     * the data: Hessian-vector products at that one point, at the speed of a graph ONNX Runtime can optimize as
     * it does an ordinary model's.
     */
    public static byte[] build(ParameterizedModel m, LossKind kind, int classesOrWidth, float[] at) {
        return builder(m, kind, classesOrWidth, at, 1).build();
    }

    /**
     * The builder of {@link #build(ParameterizedModel, LossKind, int, float[])}'s graph, cut by {@link HvpSplit} at a
     * point, with one tangent pass per entry of {@code counts}: a count k above 1 takes k directions at once, every
     * tangent with a leading vector axis ({@link VectorTangents}), so the products with the same weights and
     * activations become one larger product (k weight tangents stacked against one im2col matrix) and the forward and
     * backward values are shared by all passes.
     */
    static OnnxModelBuilder builder(ParameterizedModel m, LossKind kind, int classesOrWidth, float[] at, int... counts) {
        GradientGraph.Emit e = GradientGraph.emitter(m, kind, classesOrWidth, at);
        OnnxModelBuilder b = e.b;
        StaticShapes shapes = GradientGraph.shapes(m);
        ParameterLayout layout = m.layout();
        FirstLayerRoute.apply(m, e, shapes);
        PooledMask.apply(m, e, shapes);
        HiddenLayerRoute.apply(m, e, shapes); // over PooledMask's macros
        SecondLayerRoute.apply(m, e, shapes);
        List<Node> base = b.nodes(); // forward and backward graph: tangent nodes appended below are not revisited
        if (java.util.Arrays.stream(counts).anyMatch(c -> c > 1)) {
            for (Node n : base) { // ranks of the backward values too, so that tangents broadcast without runtime shapes
                for (String in : n.inputs()) {
                    if (shapes.dims(in) == null && b.initializerDims(in) != null) {
                        shapes.put(in, b.initializerDims(in));
                        long[] v = b.int64Values(in, 64);
                        if (v != null) {
                            shapes.putValues(in, v);
                        }
                    }
                }
                shapes.infer(n);
            }
        }
        for (int k : counts) {
            e.vectors = k;
            Map<String, String> tangent = new HashMap<>();
            for (int p = 0; p < layout.count(); p++) {
                b.input(tangentName(p, k), OnnxModelBuilder.FLOAT, withVectors(k, layout.shapes().get(p)));
                tangent.put(layout.names().get(p), tangentName(p, k));
            }
            for (Node n : base) {
                var macro = e.macros.get(n.outputs().getFirst());
                if (macro != null) {
                    String to = macro.apply(tangent::get);
                    if (to != null) {
                        tangent.put(n.outputs().getFirst(), to);
                    }
                    continue;
                }
                List<String> t = new ArrayList<>();
                boolean any = false;
                for (String in : n.inputs()) {
                    String ti = tangent.get(in);
                    t.add(ti);
                    any |= ti != null;
                }
                if (!any) {
                    continue;
                }
                for (int o = 0; o < n.outputs().size(); o++) {
                    String to = TangentRules.tangent(n, o, t, e, shapes);
                    if (to != null) {
                        tangent.put(n.outputs().get(o), to);
                    }
                }
            }
            for (int p = 0; p < layout.count(); p++) {
                String hv = tangent.get(GradientGraph.gradName(p));
                e.out(hv == null ? b.op("Mul", tangentName(p, k), e.scalar(0f)) : hv, hvpName(p, k));
                b.output(hvpName(p, k), OnnxModelBuilder.FLOAT, withVectors(k, layout.shapes().get(p)));
            }
        }
        e.vectors = 1;
        return b;
    }

    /** {@code dims} with a leading axis of {@code k} vectors, or {@code dims} itself for one. */
    static long[] withVectors(int k, long[] dims) {
        if (k == 1) {
            return dims;
        }
        long[] d = new long[dims.length + 1];
        d[0] = k;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return d;
    }
}
