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

    public static byte[] build(ParameterizedModel m, LossKind kind, int classesOrWidth) {
        return build(m, kind, classesOrWidth, null);
    }

    /**
     * With {@code at} non-null the weights are constants of those values and the tangents the only inputs besides
     * the data: Hessian-vector products at that one point, at the speed of a graph ONNX Runtime can optimize as
     * it does an ordinary model's.
     */
    public static byte[] build(ParameterizedModel m, LossKind kind, int classesOrWidth, float[] at) {
        return builder(m, kind, classesOrWidth, at).build();
    }

    /** The builder of {@link #build(ParameterizedModel, LossKind, int, float[])}'s graph, cut by {@link HvpSplit} at a point. */
    static OnnxModelBuilder builder(ParameterizedModel m, LossKind kind, int classesOrWidth, float[] at) {
        GradientGraph.Emit e = GradientGraph.emitter(m, kind, classesOrWidth, at);
        OnnxModelBuilder b = e.b;
        StaticShapes shapes = GradientGraph.shapes(m);
        ParameterLayout layout = m.layout();
        Map<String, String> tangent = new HashMap<>();
        for (int p = 0; p < layout.count(); p++) {
            b.input(tangentName(p), OnnxModelBuilder.FLOAT, layout.shapes().get(p));
            tangent.put(layout.names().get(p), tangentName(p));
        }
        for (Node n : b.nodes()) { // a snapshot: tangent nodes appended below are not revisited
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
            e.out(hv == null ? b.op("Mul", tangentName(p), e.scalar(0f)) : hv, hvpName(p));
            b.output(hvpName(p), OnnxModelBuilder.FLOAT, layout.shapes().get(p));
        }
        return b;
    }
}
