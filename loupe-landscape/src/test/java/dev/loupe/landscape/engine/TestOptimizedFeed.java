package dev.loupe.landscape.engine;

import dev.loupe.core.data.Fixtures;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.direction.Directions;
import dev.loupe.landscape.slice.Slices;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optimized weight feed (ORT's optimized graph, its weights in ORT's layout) against the plain one (the model
 * as written, its weights as graph inputs) at the same points: the same losses to 1e-6 relative and the same
 * accuracies, on the fixture CNN (NCHWc convolutions, reordered filters) and the ResNet-20 fixture (BatchNorm, frozen
 * under Li et al.'s directions, folded into the convolutions: a gather scaled per output channel).
 */
class TestOptimizedFeed {
    private static final double[][] POINTS = {{0, 0}, {0.5, -0.3}, {-1, 1}};

    static Samples samples(ParameterizedModel m, int n) {
        Path f = Fixtures.dir().resolve("data");
        return new ModelData(m.file(), new ModelData.Tensors(f.resolve("fashion-mnist-test-2000-images-idx3-ubyte.gz"),
                f.resolve("fashion-mnist-test-2000-labels-idx1-ubyte.gz")), LossKind.CROSS_ENTROPY, s -> { }).samples(m, n, n);
    }

    /** Losses at {@link #POINTS} through both feeds, asserting which feed each evaluator took. */
    private static void samePlane(String model, int samples, List<float[]> dirs) {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve(model))) {
            Samples data = samples(m, samples);
            List<float[]> d = dirs != null ? dirs : List.of(Directions.filterNormalized(m.layout(), m.theta0(), 0),
                    Directions.filterNormalized(m.layout(), m.theta0(), 1));
            LossPoint[] fast, plain;
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.OPTIMIZED_LAYOUT)) {
                assertEquals(WeightFeed.OPTIMIZED_LAYOUT, ev.weightFeed(), model);
                fast = Slices.sample(ev, POINTS, Progress.NONE);
            }
            try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, 50, 2, d, WeightFeed.GRAPH_INPUTS)) {
                assertEquals(WeightFeed.GRAPH_INPUTS, ev.weightFeed());
                plain = Slices.sample(ev, POINTS, Progress.NONE);
            }
            assertSameLosses(model, plain, fast);
        }
    }

    /** Losses equal to 1e-6 relative and the same accuracies, point by point; point 2 well above point 0. */
    static void assertSameLosses(String model, LossPoint[] want, LossPoint[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].loss(), got[i].loss(), 1e-6 * want[i].loss(), model + " at point " + i);
            assertEquals(want[i].accuracy(), got[i].accuracy(), 0, model + " at point " + i);
        }
        assertTrue(want[2].loss() > 1.5 * want[0].loss(), "the corner lies well above the trained model");
    }

    @Test
    void cnnPlaneEqualsThePlainFeed() {
        samePlane("models/cnn.onnx", 200, null);
    }

    @Test
    void resNetPlaneWithFrozenBatchNormEqualsThePlainFeed() {
        samePlane("models/resnet20.onnx", 100, null);
    }

    /** Every weight the feed moves is read from θ somewhere (no element of θ is dropped by the gather). */
    @Test
    void theCnnFeedReadsEveryWeight() {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve("models/cnn.onnx"))) {
            OptimizedFeed f = OptimizedFeed.of(m, new boolean[m.layout().count()]).orElseThrow();
            BitSet read = new BitSet();
            for (OptimizedFeed.Feed x : f.feeds()) {
                if (x.from() == null) {
                    read.set(x.offset(), x.offset() + x.length());
                } else {
                    for (int p : x.from()) {
                        if (p >= 0) {
                            read.set(p);
                        }
                    }
                }
            }
            assertEquals(m.layout().size(), read.cardinality());
        }
    }

    /**
     * Directions that move BatchNorm's scale make ORT's Conv–BN fusion a product of two moving tensors, which no gather
     * of θ gives: the evaluator falls back to the plain feed, with the same losses.
     */
    @Test
    void movingBatchNormFallsBackToThePlainFeed() {
        try (ParameterizedModel m = ParameterizedModel.open(Fixtures.dir().resolve("models/resnet20.onnx"))) {
            List<float[]> d = List.of(Directions.gaussian(m.layout(), 0));
            try (SliceEvaluator ev = new SliceEvaluator(m, samples(m, 16), LossKind.CROSS_ENTROPY, 16, 1, d, WeightFeed.OPTIMIZED_LAYOUT)) {
                assertEquals(WeightFeed.GRAPH_INPUTS, ev.weightFeed());
            }
        }
    }
}
