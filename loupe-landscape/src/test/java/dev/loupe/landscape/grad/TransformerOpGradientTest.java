package dev.loupe.landscape.grad;

import dev.loupe.landscape.engine.ParameterizedModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * For every op the transformer rules add: a tiny graph around it whose gradient is checked against central
 * differences of the ONNX Runtime forward loss and whose exact Hessian-vector product is checked against
 * central differences of that gradient ({@link OpModel#checkGradientAndHvp}). Shapes are chosen so that
 * every broadcast, keepdims and coerced-axis case is different from its neighbours (no square or
 * repeated dims where a mix-up would go unnoticed).
 */
class TransformerOpGradientTest {
    @TempDir
    Path dir;

    record Case(String name, long opset, Consumer<OpModel> body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("softmax opset 11 on 3-D, axis 1 (coerced to [2, 12])", 11,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("Softmax", Map.of("axis", 1L), "h", "w")),
                new Case("softmax opset 11, axis -1", 11,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("Softmax", Map.of("axis", -1L), "h", "w")),
                new Case("softmax opset 13 on 3-D, axis 1 (one axis)", 13,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("Softmax", Map.of("axis", 1L), "h", "w")),
                new Case("log-softmax opset 11 on 3-D, axis 1", 11,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("LogSoftmax", Map.of("axis", 1L), "h", "w")),
                new Case("reduce-mean axes [1] keepdims 0", 11,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("ReduceMean", Map.of("axes", new long[]{1}, "keepdims", 0L), "h", "w")),
                new Case("reduce-mean axes [-1] keepdims 1, broadcast back", 11,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("ReduceMean", Map.of("axes", new long[]{-1}), "m", "w")
                                .node("Mul", "h", "w", "m")),
                new Case("reduce-mean over all axes", 11,
                        m -> m.weight("w", -1, 1, 2, 3).node("ReduceMean", Map.of("keepdims", 0L), "m", "w").node("Mul", "h", "w", "m")),
                new Case("reduce-sum axes [0, 2] keepdims 0 (attribute, opset 11)", 11,
                        m -> m.weight("w", -1, 1, 2, 3, 4).node("ReduceSum", Map.of("axes", new long[]{0, 2}, "keepdims", 0L), "h", "w")),
                new Case("reduce-sum axes [1] keepdims 1 (input, opset 13)", 13,
                        m -> m.weight("w", -1, 1, 2, 3, 4).ints("c_axes", new long[]{1}, 1)
                                .node("ReduceSum", Map.of("keepdims", 1L), "s", "w", "c_axes").node("Mul", "h", "w", "s")),
                new Case("layer norm (ReduceMean, Sub, Pow 2, Add eps, Sqrt, Div, Mul gamma, Add beta)", 11, TransformerOpGradientTest::layerNorm),
                new Case("GELU via Erf", 11, m -> m.weight("w", -2, 2, 3, 4).constant("c_sqrt2", new float[]{(float) Math.sqrt(2)})
                        .constant("c_one", new float[]{1}).constant("c_half", new float[]{0.5f})
                        .node("Div", "a", "w", "c_sqrt2").node("Erf", "e", "a").node("Add", "p", "e", "c_one")
                        .node("Mul", "q", "w", "p").node("Mul", "h", "q", "c_half")),
                new Case("Div with both operands weights, divisor broadcast [3]", 11,
                        m -> m.weight("a", -1, 1, 2, 3).weight("d", 1, 2, 3).node("Div", "h", "a", "d")),
                new Case("Div of a weight by a broadcast [2, 1] weight", 11,
                        m -> m.weight("a", -1, 1, 2, 3).weight("d", 1, 2, 2, 1).node("Div", "h", "a", "d")),
                new Case("Pow by constant 2 and 3", 11, m -> m.weight("w", 0.5, 1.5, 2, 3)
                        .constant("c_two", new float[]{2}).constant("c_three", new float[]{3})
                        .node("Pow", "p", "w", "c_two").node("Pow", "q", "w", "c_three").node("Add", "h", "p", "q")),
                new Case("Sqrt", 11, m -> m.weight("w", 0.5, 2, 2, 3).node("Sqrt", "h", "w")),
                new Case("MatMul 3-D x 2-D weight plus bias", 11, m -> m.weight("x", -1, 1, 2, 3, 4).weight("W", -1, 1, 4, 5)
                        .weight("bias", -1, 1, 5).node("MatMul", "y", "x", "W").node("Add", "h", "bias", "y")),
                new Case("MatMul 4-D x 4-D with Transposes", 11, m -> m.weight("a", -1, 1, 2, 3, 2, 4).weight("b", -1, 1, 2, 2, 5, 4)
                        .node("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), "at", "a")
                        .node("Transpose", Map.of("perm", new long[]{0, 1, 3, 2}), "bt", "b")
                        .node("MatMul", "h", "at", "bt")),
                new Case("MatMul batch broadcast [2,1,3,4] x [3,4,2]", 11, m -> m.weight("a", -1, 1, 2, 1, 3, 4).weight("b", -1, 1, 3, 4, 2)
                        .node("MatMul", "h", "a", "b")),
                new Case("Gather of an embedding table with repeated indices, and of a position table through Slice", 11,
                        TransformerOpGradientTest::embeddings),
                new Case("Reshape to shape arithmetic (Shape, Gather, Unsqueeze, Concat) then Transpose", 11,
                        TransformerOpGradientTest::headSplit),
                new Case("Slice with negative start and clamped end", 11, m -> m.weight("w", -1, 1, 3, 5)
                        .ints("c_s", new long[]{1, -3}, 2).ints("c_e", new long[]{3, 100}, 2).ints("c_a", new long[]{0, 1}, 2)
                        .node("Slice", "h", "w", "c_s", "c_e", "c_a")),
                new Case("Concat of two weights and a constant", 11, m -> m.weight("a", -1, 1, 2, 3).weight("b", -1, 1, 2, 1)
                        .constant("c_k", new float[]{0.5f, -0.25f, 1, 2}, 2, 2)
                        .node("Concat", Map.of("axis", 1L), "h", "a", "c_k", "b")),
                new Case("Unsqueeze, Cast to float, Squeeze", 11, m -> m.weight("w", -1, 1, 2, 3)
                        .node("Unsqueeze", Map.of("axes", new long[]{1}), "u", "w").node("Cast", Map.of("to", 1L), "c", "u")
                        .node("Squeeze", Map.of("axes", new long[]{1}), "s", "c").node("Mul", "h", "s", "w")),
                new Case("Unsqueeze with axes as input (opset 13)", 13, m -> m.weight("w", -1, 1, 2, 3).ints("c_ax", new long[]{0, 3}, 2)
                        .node("Unsqueeze", "u", "w", "c_ax").node("Mul", "h", "u", "u")),
                new Case("self-attention block (tiny BERT layer, opset 11)", 11, TransformerOpGradientTest::attention));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientAndHessianVectorProductMatchFiniteDifferences(Case c) throws Exception {
        OpModel m = new OpModel(c.opset(), 7);
        c.body().accept(m);
        try (ParameterizedModel pm = OpModel.open(m.write(dir, "case"))) {
            OpModel.checkGradientAndHvp(pm, 8);
        }
    }

    static void layerNorm(OpModel m) {
        m.weight("x", -1, 1, 2, 3, 5).weight("gamma", 0.5, 1.5, 5).weight("beta", -0.5, 0.5, 5)
                .constant("c_two", new float[]{2}).constant("c_eps", new float[]{1e-5f})
                .node("ReduceMean", Map.of("axes", new long[]{-1}), "mu", "x").node("Sub", "xc", "x", "mu")
                .node("Pow", "xc2", "xc", "c_two").node("ReduceMean", Map.of("axes", new long[]{-1}), "var", "xc2")
                .node("Add", "ve", "var", "c_eps").node("Sqrt", "sd", "ve").node("Div", "xn", "xc", "sd")
                .node("Mul", "g", "xn", "gamma").node("Add", "h", "g", "beta");
    }

    /** BERT embeddings: word table [6, 3] at ids with repeats, position table [5, 3] at Slice(position_ids, 0, seq). */
    static void embeddings(OpModel m) {
        m.weight("word", -1, 1, 6, 3).weight("pos", -1, 1, 5, 3)
                .ints("c_ids", new long[]{0, 2, 2, 5, 4, 0, 1, 2}, 2, 4).ints("c_posids", new long[]{0, 1, 2, 3, 4}, 1, 5)
                .ints("c_zero", new long[]{0}, 1).ints("c_one", new long[]{1}, 1).ints("c_k1", new long[]{1})
                .node("Gather", "we", "word", "c_ids")
                .node("Shape", "shp", "c_ids").node("Gather", Map.of("axis", 0L), "seq", "shp", "c_k1")
                .node("Unsqueeze", Map.of("axes", new long[]{0}), "seq1", "seq")
                .node("Slice", "p", "c_posids", "c_zero", "seq1", "c_one", "c_one")
                .node("Gather", "pe", "pos", "p").node("Add", "h", "we", "pe");
    }

    /** [2, 3, 6] → Reshape to [batch, seq, 3, 2] built from its own Shape → Transpose [0, 2, 1, 3]. */
    static void headSplit(OpModel m) {
        m.weight("w", -1, 1, 2, 3, 6).ints("c_0", new long[]{0}).ints("c_1", new long[]{1})
                .ints("c_heads", new long[]{3}, 1).ints("c_size", new long[]{2}, 1)
                .node("Shape", "s", "w").node("Gather", Map.of("axis", 0L), "b", "s", "c_0")
                .node("Gather", Map.of("axis", 0L), "t", "s", "c_1")
                .node("Unsqueeze", Map.of("axes", new long[]{0}), "b1", "b").node("Unsqueeze", Map.of("axes", new long[]{0}), "t1", "t")
                .node("Concat", Map.of("axis", 0L), "shape", "b1", "t1", "c_heads", "c_size")
                .node("Reshape", "r", "w", "shape").node("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), "h", "r");
    }

    /** One attention layer as the MiniLM export writes it: batch 2, sequence 3, hidden 4 = 2 heads × 2, a padding mask. */
    static void attention(OpModel m) {
        m.weight("x", -1, 1, 2, 3, 4);
        for (String p : List.of("q", "k", "v")) {
            m.weight("W" + p, -0.7, 0.7, 4, 4).weight("b" + p, -0.2, 0.2, 4);
        }
        m.constant("c_mask", new float[]{0, 0, 0, 0, 0, -10000}, 2, 1, 1, 3).constant("c_scale", new float[]{(float) Math.sqrt(2)})
                .ints("c_split", new long[]{0, 0, 2, 2}, 4).ints("c_merge", new long[]{0, 0, 4}, 3);
        for (String p : List.of("q", "k", "v")) {
            m.node("MatMul", p + "m", "x", "W" + p).node("Add", p + "a", "b" + p, p + "m").node("Reshape", p + "r", p + "a", "c_split");
        }
        m.node("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), "qt", "qr")
                .node("Transpose", Map.of("perm", new long[]{0, 2, 3, 1}), "kt", "kr")
                .node("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), "vt", "vr")
                .node("MatMul", "sc", "qt", "kt").node("Div", "sd", "sc", "c_scale").node("Add", "sm", "sd", "c_mask")
                .node("Softmax", Map.of("axis", 3L), "p", "sm").node("MatMul", "ctx", "p", "vt")
                .node("Transpose", Map.of("perm", new long[]{0, 2, 1, 3}), "ct", "ctx").node("Reshape", "h", "ct", "c_merge");
    }
}
