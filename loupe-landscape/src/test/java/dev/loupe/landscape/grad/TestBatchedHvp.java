package dev.loupe.landscape.grad;

import dev.loupe.core.data.Fixtures;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ModelData;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Batched Hessian-vector products ({@link GradientEvaluator#hessianVectorProducts}: k directions in one run, the
 * vector axis through every tangent rule the fixture models use: Gemm, MatMul, ReLU, the im2col GEMMs of
 * {@link ConvAtPoint}, strided convolutions, BatchNorm, pools, residual adds) against the same directions one at a
 * time, on the fixture MLP, CNN and ResNet-20 with real images. Five directions with a batch of 4: one full group
 * and one group of one (run alone), in two data batches.
 */
class TestBatchedHvp {
    @ParameterizedTest(name = "{0}")
    @CsvSource({"models/mlp.onnx", "models/cnn.onnx", "models/resnet20.onnx"})
    void batchedProductsEqualSingleOnes(String model) {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve(model))) {
            List<double[]> vs = gaussians(m, 5, 7);
            vs.set(2, new double[m.layout().size()]); // a zero direction inside a group stays zero
            check(m, 4, vs);
        }
    }

    /**
     * The fixture CNN in runs of 16 directions, where both pooled layers go through their prepared matrices (Q of the
     * second, M of the pair: {@link HiddenLayerRoute}, {@link SecondLayerRoute}), against the single products, which
     * do not; 17 directions: one full run and one run alone.
     */
    @org.junit.jupiter.api.Test
    void routedRunsOfSixteenEqualSingleProducts() {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve("models/cnn.onnx"))) {
            assertEquals(2_929_728 - 903_168 * 2 - 2 * 16 * 196 * 10 + 2 * 16 * 10 * 32 * 49,
                    MultiplyAdds.of(m, 16).orElseThrow().tangent(), "the 16-direction pass takes both routes");
            check(m, 16, gaussians(m, 17, 3));
        }
    }

    private static List<double[]> gaussians(ParameterizedModel m, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<double[]> vs = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            vs.add(OpModel.gaussian(m.layout().size(), r));
        }
        return vs;
    }

    /** {@code vs} in runs of {@code k} against single products, at θ₀ on 24 real images in two batches of 12. */
    private static void check(ParameterizedModel m, int k, List<double[]> vs) {
        Path f = Fixtures.dir().resolve("data");
        Samples data = new ModelData(m.file(), new ModelData.Tensors(f.resolve("fashion-mnist-test-2000-images-idx3-ubyte.gz"),
                f.resolve("fashion-mnist-test-2000-labels-idx1-ubyte.gz")), LossKind.CROSS_ENTROPY, s -> { }).samples(m, 24, 12);
        try (GradientEvaluator g = GradientEvaluator.atPoint(m, data, LossKind.CROSS_ENTROPY, 12, 1, m.theta0(), null, k)) {
            assertEquals(k, g.hvpBatch());
            OpModel.checkBatched(g, m.theta0(), vs);
        }
    }
}
