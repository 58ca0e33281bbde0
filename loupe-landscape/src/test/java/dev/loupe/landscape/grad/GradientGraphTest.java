package dev.loupe.landscape.grad;

import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Node;
import dev.loupe.landscape.TinyMlp;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.engine.LossEvaluator;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.onnx.OnnxModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientGraphTest {
    @TempDir
    Path dir;

    /**
     * Every weight's gradient against a central difference of the loss, h = 1e-3: small enough that few
     * samples cross a ReLU kink (with h = 1e-2 one does and moves weight 0's estimate by 2e-4), large
     * enough that float32 logits (≈ 1e-8 noise in the mean loss) give ≈ 1e-5 error.
     */
    @Test
    void mlpGradientsMatchCentralDifferencesOfTheLoss() throws Exception {
        TinyMlp mlp = new TinyMlp(9);
        Samples data = Samples.classification(TinyMlp.inputs(64, 10), new long[]{TinyMlp.IN}, TinyMlp.labels(64, 11));
        try (ParameterizedModel m = ParameterizedModel.open(mlp.write(dir));
             LossEvaluator loss = new LossEvaluator(m, data, LossKind.CROSS_ENTROPY, 16, 1);
             GradientEvaluator grad = new GradientEvaluator(m, data, LossKind.CROSS_ENTROPY, 16, 1)) {
            LossGradient lg = grad.evaluate(m.theta0());
            assertEquals(loss.evaluate(m.theta0()).loss(), lg.loss(), 1e-5);
            double h = 1e-3;
            for (int i = 0; i < m.layout().size(); i++) {
                float[] plus = m.theta0().clone(), minus = m.theta0().clone();
                plus[i] += (float) h;
                minus[i] -= (float) h;
                double fd = (loss.evaluate(plus).loss() - loss.evaluate(minus).loss()) / ((double) plus[i] - minus[i]);
                assertEquals(fd, lg.gradient()[i], 5e-5, "weight " + i);
            }
        }
    }

    /**
     * A small CNN (Conv 3×3 pad 1 + bias, Relu, MaxPool 2×2, Flatten, Gemm): every gradient against central
     * differences of the loss. Max-pool switches make kinks dense here: at h = 1e-3 seven conv weights cross
     * one (the gradient itself jumps by up to 1e-2 across ±h), so h = 1e-4; float32 logits then leave
     * ≈ 1e-4 of noise in the difference quotient.
     */
    @Test
    void cnnGradientsMatchCentralDifferencesOfTheLoss() throws Exception {
        java.util.SplittableRandom r = new java.util.SplittableRandom(21);
        float[] w = new float[2 * 9], bias = new float[2], w2 = new float[3 * 8], b2 = new float[3];
        for (float[] a : List.of(w, bias, w2, b2)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextDouble() - 0.5);
            }
        }
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        b.input("x", OnnxModelBuilder.FLOAT, -1, 1, 4, 4);
        b.output("logits", OnnxModelBuilder.FLOAT, -1, 3);
        b.initializer("conv.weight", w, 2, 1, 3, 3).initializer("conv.bias", bias, 2);
        b.initializer("fc.weight", w2, 3, 8).initializer("fc.bias", b2, 3);
        b.node(new Node("c", "Conv", "", List.of("x", "conv.weight", "conv.bias"), List.of("c"),
                Map.of("pads", new long[]{1, 1, 1, 1}, "kernel_shape", new long[]{3, 3})));
        b.node(new Node("r", "Relu", "", List.of("c"), List.of("a"), Map.of()));
        b.node(new Node("p", "MaxPool", "", List.of("a"), List.of("p"), Map.of("kernel_shape", new long[]{2, 2}, "strides", new long[]{2, 2})));
        b.node(new Node("f", "Flatten", "", List.of("p"), List.of("f"), Map.of()));
        b.node(new Node("g", "Gemm", "", List.of("f", "fc.weight", "fc.bias"), List.of("logits"), Map.of("transB", 1L)));
        Path p = dir.resolve("cnn.onnx");
        Files.write(p, b.build());
        float[] x = new float[24 * 16];
        int[] y = new int[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(3);
        }
        Samples data = Samples.classification(x, new long[]{1, 4, 4}, y);
        try (ParameterizedModel m = ParameterizedModel.open(p);
             LossEvaluator loss = new LossEvaluator(m, data, LossKind.CROSS_ENTROPY, 10, 1);
             GradientEvaluator grad = new GradientEvaluator(m, data, LossKind.CROSS_ENTROPY, 10, 1)) {
            LossGradient lg = grad.evaluate(m.theta0());
            assertEquals(loss.evaluate(m.theta0()).loss(), lg.loss(), 1e-5);
            for (int i = 0; i < m.layout().size(); i++) {
                float[] plus = m.theta0().clone(), minus = m.theta0().clone();
                plus[i] += 1e-4f;
                minus[i] -= 1e-4f;
                double fd = (loss.evaluate(plus).loss() - loss.evaluate(minus).loss()) / ((double) plus[i] - minus[i]);
                assertEquals(fd, lg.gradient()[i], 1.5e-4, "weight " + i + " of " + m.layout().names());
            }
        }
    }

    @Test
    void mseGradientMatchesCentralDifferences() throws Exception {
        TinyMlp mlp = new TinyMlp(12);
        float[] targets = TinyMlp.inputs(16, 13);
        Samples data = Samples.regression(TinyMlp.inputs(32, 14), new long[]{TinyMlp.IN}, java.util.Arrays.copyOf(targets, 64), 2);
        try (ParameterizedModel m = ParameterizedModel.open(mlp.write(dir));
             LossEvaluator loss = new LossEvaluator(m, data, LossKind.MSE, 10, 1);
             GradientEvaluator grad = new GradientEvaluator(m, data, LossKind.MSE, 10, 1)) {
            LossGradient lg = grad.evaluate(m.theta0());
            assertEquals(loss.evaluate(m.theta0()).loss(), lg.loss(), 1e-5);
            for (int i = 0; i < m.layout().size(); i++) {
                float[] plus = m.theta0().clone(), minus = m.theta0().clone();
                plus[i] += 1e-2f;
                minus[i] -= 1e-2f;
                double fd = (loss.evaluate(plus).loss() - loss.evaluate(minus).loss()) / ((double) plus[i] - minus[i]);
                assertEquals(fd, lg.gradient()[i], 5e-4, "weight " + i);
            }
        }
    }

    @Test
    void unsupportedOpsAreNamed() throws Exception {
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        b.input("x", OnnxModelBuilder.FLOAT, -1, 4);
        b.initializer("w", new float[16], 4, 4);
        b.node(new Node("m", "MatMul", "", List.of("x", "w"), List.of("y"), Map.of()));
        b.node(new Node("e", "Elu", "", List.of("y"), List.of("z"), Map.of()));
        b.output("z", OnnxModelBuilder.FLOAT, -1, 4);
        Path p = dir.resolve("elu.onnx");
        Files.write(p, b.build());
        try (ParameterizedModel m = ParameterizedModel.open(p)) {
            LoupeException e = assertThrows(LoupeException.class, () -> GradientGraph.build(m, LossKind.CROSS_ENTROPY, 4));
            assertTrue(e.getMessage().startsWith("unsupported op Elu for gradients"), e.getMessage());
        }
    }
}
