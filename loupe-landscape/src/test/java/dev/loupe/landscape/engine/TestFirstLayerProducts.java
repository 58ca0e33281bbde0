package dev.loupe.landscape.engine;

import dev.loupe.core.data.Fixtures;
import dev.loupe.core.graph.Node;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.TinyMlp;
import dev.loupe.landscape.direction.Directions;
import dev.loupe.landscape.engine.FirstLayerProducts.Use;
import dev.loupe.landscape.onnx.OnnxModelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first layer computed once per batch (its products with θ₀ and each direction, summed per point) against the
 * whole graph run at each point: the same losses to 1e-6 relative and the same accuracies at several plane points,
 * on the MLP fixture (Gemm over the flattened, scaled image) and the CNN fixture (conv1, forced: too few
 * multiply-adds per output for AUTO); and the whole graph where the first layer is not data-fed or its products
 * exceed the byte limit.
 */
class TestFirstLayerProducts {
    private static final double[][] POINTS = {{0, 0}, {0.5, -0.3}, {-1, 1}, {0.8, 0.9}};

    @TempDir
    Path dir;

    /** Losses at {@link #POINTS} with the first layer precomputed ({@code use}) and by the whole graph. */
    private static void samePlane(String model, Use use, String layer) {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve(model))) {
            Samples data = TestOptimizedFeed.samples(m, 120);
            List<float[]> d = List.of(Directions.filterNormalized(m.layout(), m.theta0(), 0),
                    Directions.filterNormalized(m.layout(), m.theta0(), 1));
            LossPoint[] fast, whole;
            // batches of 50: the last batch (20) is shorter than the others
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.OPTIMIZED_LAYOUT, use)) {
                assertEquals(layer, ev.firstLayer().orElseThrow().layer().name(), model);
                fast = ev.evaluateAt(POINTS, Progress.NONE);
            }
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.OPTIMIZED_LAYOUT, Use.NEVER)) {
                assertTrue(ev.firstLayer().isEmpty());
                whole = ev.evaluateAt(POINTS, Progress.NONE);
            }
            TestOptimizedFeed.assertSameLosses(model, whole, fast);
        }
    }

    @Test
    void mlpPlaneEqualsTheWholeGraph() {
        samePlane("models/mlp.onnx", Use.AUTO, "/fc1/Gemm");
    }

    @Test
    void cnnPlaneWithConv1PrecomputedEqualsTheWholeGraph() {
        samePlane("models/cnn.onnx", Use.ALWAYS, "/conv1/Conv");
    }

    /**
     * The byte limit on the products: the MLP's fc1 over 120 images along 2 directions holds 3 × 256 × 120 floats
     * (368,640 bytes). At that limit they are precomputed; one byte under it, the whole graph serves, and every
     * loss is the whole graph's (the same session, so to the bit).
     */
    @Test
    void productsOverTheLimitLeaveTheWholeGraph() {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve("models/mlp.onnx"))) {
            Samples data = TestOptimizedFeed.samples(m, 120);
            List<float[]> d = List.of(Directions.filterNormalized(m.layout(), m.theta0(), 0),
                    Directions.filterNormalized(m.layout(), m.theta0(), 1));
            long bytes = 3L * 256 * 120 * 4;
            LossPoint[] whole, over, at;
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.OPTIMIZED_LAYOUT, Use.NEVER)) {
                whole = ev.evaluateAt(POINTS, Progress.NONE);
            }
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.OPTIMIZED_LAYOUT, Use.AUTO,
                    bytes - 1)) {
                assertTrue(ev.firstLayer().isEmpty(), "one byte over the limit");
                over = ev.evaluateAt(POINTS, Progress.NONE);
            }
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.OPTIMIZED_LAYOUT, Use.AUTO,
                    bytes)) {
                assertEquals("/fc1/Gemm", ev.firstLayer().orElseThrow().layer().name(), "at the limit");
                at = ev.evaluateAt(POINTS, Progress.NONE);
            }
            for (int i = 0; i < POINTS.length; i++) {
                assertEquals(whole[i].loss(), over[i].loss(), 0, "point " + i);
                assertEquals(whole[i].accuracy(), over[i].accuracy(), 0, "point " + i);
            }
            TestOptimizedFeed.assertSameLosses("models/mlp.onnx", whole, at);
        }
    }

    /** A 3×3 convolution over one channel (9 multiply-adds per output) stays in the graph under AUTO. */
    @Test
    void autoLeavesAThinConvolutionInTheGraph() {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve("models/cnn.onnx"))) {
            List<float[]> d = List.of(Directions.filterNormalized(m.layout(), m.theta0(), 0));
            try (SliceEvaluator ev = new SliceEvaluator(m, TestOptimizedFeed.samples(m, 20), LossKind.CROSS_ENTROPY, 20, 1, d, WeightFeed.OPTIMIZED_LAYOUT)) {
                assertTrue(ev.firstLayer().isEmpty());
            }
        }
    }

    /**
     * A first Gemm whose input is scaled by a weight is not data-fed, nor is the second (fed by the first's weights):
     * the whole graph runs, and a point's loss is that of its weights built by hand.
     */
    @Test
    void aWeightUpstreamOfTheFirstLayerKeepsTheWholeGraph() throws Exception {
        TinyMlp mlp = new TinyMlp(3);
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        b.input("x", OnnxModelBuilder.FLOAT, -1, TinyMlp.IN);
        b.output("logits", OnnxModelBuilder.FLOAT, -1, TinyMlp.OUT);
        b.initializer("scale", new float[]{1.5f, -0.5f, 2f, 1f}, TinyMlp.IN);
        b.initializer("fc1.weight", mlp.w1, TinyMlp.HID, TinyMlp.IN).initializer("fc1.bias", mlp.b1, TinyMlp.HID);
        b.initializer("fc2.weight", mlp.w2, TinyMlp.HID, TinyMlp.OUT);
        b.node(new Node("s", "Mul", "", List.of("x", "scale"), List.of("xs"), Map.of()));
        b.node(new Node("g", "Gemm", "", List.of("xs", "fc1.weight", "fc1.bias"), List.of("h"), Map.of("transB", 1L)));
        b.node(new Node("r", "Relu", "", List.of("h"), List.of("a"), Map.of()));
        b.node(new Node("m", "MatMul", "", List.of("a", "fc2.weight"), List.of("logits"), Map.of()));
        Path file = dir.resolve("scaled.onnx");
        Files.write(file, b.build());
        float[] x = TinyMlp.inputs(30, 4);
        int[] y = TinyMlp.labels(30, 5);
        try (ParameterizedModel m = ParameterizedModel.open(file)) {
            Samples data = Samples.classification(x, new long[]{TinyMlp.IN}, y);
            float[] d = Directions.filterNormalized(m.layout(), m.theta0(), 7);
            float[] moved = m.theta0().clone();
            for (int p = 0; p < moved.length; p++) {
                moved[p] = (float) (moved[p] + 0.7 * d[p]);
            }
            double byHand;
            try (LossEvaluator ev = new LossEvaluator(m, data, LossKind.CROSS_ENTROPY, 8, 1)) {
                byHand = ev.evaluate(moved).loss();
            }
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 8, 2, List.of(d), WeightFeed.OPTIMIZED_LAYOUT, Use.ALWAYS)) {
                assertFalse(ev.firstLayer().isPresent());
                assertEquals(byHand, ev.evaluateAt(new double[][]{{0.7}}, Progress.NONE)[0].loss(), 1e-6 * byHand);
            }
        }
    }
}
