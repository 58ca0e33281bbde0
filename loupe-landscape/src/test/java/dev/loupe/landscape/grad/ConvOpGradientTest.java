package dev.loupe.landscape.grad;

import dev.loupe.landscape.engine.ParameterizedModel;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every rule of {@link ConvRules} on a tiny graph (opset 13) whose input and kernel are both weights, so dX and dW
 * are both checked against central differences of the ONNX Runtime forward loss, and the exact Hessian-vector
 * product against central differences of the gradient ({@link OpModel#checkGradientAndHvp}). Heights and widths
 * differ and are odd where a stride or window could hide a transposed axis or a dropped row.
 */
class ConvOpGradientTest {
    @TempDir
    Path dir;

    record Case(String name, Consumer<OpModel> body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("conv stride 2, pads 1, bias (ResNet downsampling)", m -> m.weight("x", -1, 1, 2, 3, 7, 6)
                        .weight("w", -0.5, 0.5, 4, 3, 3, 3).weight("b", -1, 1, 4)
                        .node("Conv", Map.of("strides", new long[]{2, 2}, "pads", new long[]{1, 1, 1, 1}), "h", "x", "w", "b")),
                new Case("conv 1x1 stride 2, no pads (shortcut)", m -> m.weight("x", -1, 1, 2, 3, 7, 6)
                        .weight("w", -0.5, 0.5, 5, 3, 1, 1).node("Conv", Map.of("strides", new long[]{2, 2}), "h", "x", "w")),
                new Case("conv dilation 2, strides [1, 2], asymmetric pads", m -> m.weight("x", -1, 1, 1, 2, 8, 7)
                        .weight("w", -0.5, 0.5, 3, 2, 3, 2)
                        .node("Conv", Map.of("dilations", new long[]{2, 2}, "strides", new long[]{1, 2}, "pads", new long[]{1, 0, 2, 1}), "h", "x", "w")),
                new Case("conv dilation 2, stride 1, pads 2 (flipped-kernel dX)", m -> m.weight("x", -1, 1, 1, 2, 6, 5)
                        .weight("w", -0.5, 0.5, 3, 2, 3, 3)
                        .node("Conv", Map.of("dilations", new long[]{2, 2}, "pads", new long[]{2, 2, 2, 2}), "h", "x", "w")),
                new Case("conv 3x2 stride 1, asymmetric pads, bias (at a point: GEMMs on prepared im2col)", m -> m.weight("x", -1, 1, 2, 3, 6, 7)
                        .weight("w", -0.5, 0.5, 4, 3, 3, 2).weight("b", -1, 1, 4)
                        .node("Conv", Map.of("pads", new long[]{2, 0, 1, 1}), "h", "x", "w", "b")),
                new Case("conv 3x3 stride 1 pads 1, bias, input not a weight (first layer at a point: bias folded into the GEMM)",
                        m -> m.constant("c_x", wave(2 * 2 * 5 * 6), 2, 2, 5, 6).weight("w", -0.5, 0.5, 3, 2, 3, 3).weight("b", -1, 1, 3)
                                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "h", "c_x", "w", "b")),
                new Case("first layer at a point: conv, relu, max pool as one linear map (FirstLayerRoute), then a conv",
                        m -> m.constant("c_x", wave(2 * 6 * 6), 2, 1, 6, 6).weight("w", -0.5, 0.5, 3, 1, 3, 3).weight("b", -0.2, 0.4, 3)
                                .weight("w2", -0.5, 0.5, 2, 3, 3, 3)
                                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "c1", "c_x", "w", "b").node("Relu", "r1", "c1")
                                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "p1", "r1")
                                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "h", "p1", "w2")),
                new Case("hidden conv, relu, max pool (at a point, 3 directions: the kernel terms through Q, HiddenLayerRoute; one direction: im2col)",
                        m -> m.weight("x", -1, 1, 1, 2, 4, 4).weight("w", -0.5, 0.5, 3, 2, 3, 3).weight("b", -0.2, 0.4, 3)
                                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "c1", "x", "w", "b").node("Relu", "r1", "c1")
                                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "h", "r1")),
                new Case("two conv, relu, max pool layers (at a point, 3 directions: the second's input terms through M, SecondLayerRoute)",
                        m -> m.constant("c_x", wave(8 * 8), 1, 1, 8, 8).weight("w", -1, 1, 3, 1, 3, 3).weight("b", 0.1, 0.5, 3)
                                .weight("w2", -1, 1, 2, 3, 3, 3).weight("b2", 0.1, 0.5, 2)
                                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "c1", "c_x", "w", "b").node("Relu", "r1", "c1")
                                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "p1", "r1")
                                .node("Conv", Map.of("pads", new long[]{1, 1, 1, 1}), "c2", "p1", "w2", "b2").node("Relu", "r2", "c2")
                                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "h", "r2")),
                new Case("relu, max pool 2x2, scaled by a weight (at a point: the masks applied to the pooled tangents)",
                        m -> separated(m, "x", 0.05f, 2, 2, 6, 6).weight("s", 0.5, 1.5, 1, 2, 1, 1).node("Identity", "i1", "x").node("Relu", "r1", "i1")
                                .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "p1", "r1")
                                .node("Mul", "h", "p1", "s")),
                new Case("conv 2 groups", m -> m.weight("x", -1, 1, 1, 4, 5, 6).weight("w", -0.5, 0.5, 6, 2, 3, 3).weight("b", -1, 1, 6)
                        .node("Conv", Map.of("group", 2L, "pads", new long[]{1, 1, 1, 1}), "h", "x", "w", "b")),
                new Case("depthwise conv stride 2, pads 1", m -> m.weight("x", -1, 1, 2, 3, 6, 5).weight("w", -0.5, 0.5, 3, 1, 3, 3)
                        .node("Conv", Map.of("group", 3L, "strides", new long[]{2, 2}, "pads", new long[]{1, 1, 1, 1}), "h", "x", "w")),
                new Case("batch normalization, inference mode", m -> m.weight("x", -1, 1, 2, 3, 4, 5).weight("g", 0.5, 1.5, 3)
                        .weight("beta", -1, 1, 3).constant("c_mean", new float[]{0.2f, -0.3f, 0.1f}, 3)
                        .constant("c_var", new float[]{0.5f, 1.5f, 2f}, 3)
                        .node("BatchNormalization", Map.of("epsilon", 1e-3), "h", "x", "g", "beta", "c_mean", "c_var")),
                new Case("average pool 3x3 stride 2 pads 1, count_include_pad 0", m -> m.weight("x", -1, 1, 2, 3, 7, 6)
                        .node("AveragePool", Map.of("kernel_shape", new long[]{3, 3}, "strides", new long[]{2, 2}, "pads", new long[]{1, 1, 1, 1}), "h", "x")),
                new Case("average pool 2x2 stride 2, count_include_pad 1, odd input", m -> m.weight("x", -1, 1, 1, 2, 5, 7)
                        .node("AveragePool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}, "count_include_pad", 1L,
                                "pads", new long[]{0, 1, 1, 0}), "h", "x")),
                new Case("global average pool", m -> m.weight("x", -1, 1, 2, 3, 4, 5).node("GlobalAveragePool", "h", "x")),
                new Case("max pool 3x3 stride 2 pads 1 (ResNet stem: overlapping, padded)", m -> separated(m, "x", 2, 2, 7, 6)
                        .node("MaxPool", Map.of("kernel_shape", new long[]{3, 3}, "strides", new long[]{2, 2}, "pads", new long[]{1, 1, 1, 1}), "h", "x")),
                new Case("max pool 2x2 stride 2 ceil mode on 5x7", m -> separated(m, "x", 1, 2, 5, 7)
                        .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}, "ceil_mode", 1L), "h", "x")),
                new Case("max pool 2x2 stride 2 on 5x7 (non-overlapping, floor)", m -> separated(m, "x", 1, 2, 5, 7)
                        .node("MaxPool", Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2}), "h", "x")),
                new Case("residual block: conv-BN-tanh-conv-BN + identity, global pool, flatten, gemm head", ConvOpGradientTest::residual));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientAndHessianVectorProductMatchFiniteDifferences(Case c) throws Exception {
        OpModel m = new OpModel(13, 5);
        c.body().accept(m);
        try (ParameterizedModel pm = OpModel.open(m.write(dir, "op"))) {
            OpModel.checkGradientAndHvp(pm, 8);
        }
    }

    /**
     * A weight whose entries are a shuffled ladder 0.1 apart, so a ±0.01 step never changes which entry a max-pool
     * window picks (central differences across a switch would be wrong, not the rule).
     */
    static OpModel separated(OpModel m, String name, long... dims) {
        return separated(m, name, 0f, dims);
    }

    /** As {@link #separated(OpModel, String, long...)}, the ladder shifted by {@code offset} (0.05: no entry within a step of a ReLU's kink). */
    static OpModel separated(OpModel m, String name, float offset, long... dims) {
        int n = (int) (dims[0] * dims[1] * dims[2] * dims[3]);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i - n / 2f) * 0.1f + offset;
        }
        SplittableRandom r = new SplittableRandom(11);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        m.builder().initializer(name, v, dims);
        return m;
    }

    /** x → Conv → BN → Tanh → Conv → BN → + x → GlobalAveragePool → Flatten → Gemm (smooth, so no kink spoils the differences). */
    static void residual(OpModel m) {
        m.weight("x", -1, 1, 2, 2, 5, 4).weight("w1", -0.5, 0.5, 2, 2, 3, 3).weight("w2", -0.5, 0.5, 2, 2, 3, 3)
                .weight("g1", 0.5, 1.5, 2).weight("b1", -0.5, 0.5, 2).weight("g2", 0.5, 1.5, 2).weight("b2", -0.5, 0.5, 2)
                .constant("c_m1", new float[]{0.1f, -0.2f}, 2).constant("c_v1", new float[]{0.8f, 1.2f}, 2)
                .constant("c_m2", new float[]{-0.1f, 0.3f}, 2).constant("c_v2", new float[]{1.1f, 0.7f}, 2)
                .weight("fc", -1, 1, 3, 2).weight("fcb", -1, 1, 3);
        Map<String, Object> same = Map.of("pads", new long[]{1, 1, 1, 1});
        m.node("Conv", same, "c1", "x", "w1").node("BatchNormalization", "n1", "c1", "g1", "b1", "c_m1", "c_v1").node("Tanh", "a1", "n1")
                .node("Conv", same, "c2", "a1", "w2").node("BatchNormalization", "n2", "c2", "g2", "b2", "c_m2", "c_v2")
                .node("Add", "r", "n2", "x").node("GlobalAveragePool", "p", "r").node("Flatten", "f", "p")
                .node("Gemm", Map.of("transB", 1L), "h", "f", "fc", "fcb");
    }

    /** Distinct values in (−1, 1) for a constant input: sin of the index, no two alike. */
    private static float[] wave(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(1.3 * i + 0.4);
        }
        return v;
    }
}
