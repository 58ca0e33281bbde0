package dev.loupe.landscape.engine;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.TinyMlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LossEvaluatorTest {
    @TempDir
    Path dir;

    @Test
    void crossEntropyMatchesAPlainJavaForwardPass() throws Exception {
        TinyMlp mlp = new TinyMlp(1);
        float[] x = TinyMlp.inputs(37, 2);
        int[] y = TinyMlp.labels(37, 3);
        try (ParameterizedModel m = ParameterizedModel.open(mlp.write(dir));
             LossEvaluator ev = new LossEvaluator(m, Samples.classification(x, new long[]{TinyMlp.IN}, y), LossKind.CROSS_ENTROPY, 10, 2)) {
            assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), m.layout().names());
            // Gemm(transB=1) weight [out,in]: filters on axis 0; MatMul weight [in,out]: on the last axis
            assertArrayEquals(new int[]{0, 0, 1, 0}, m.layout().filterAxes());
            assertEquals(mlp.crossEntropy(x, y), ev.evaluate(m.theta0()).loss(), 1e-5);
        }
    }

    @Test
    void movingTheWeightsChangesTheLossAsTheFormulaSays() throws Exception {
        TinyMlp mlp = new TinyMlp(4);
        float[] x = TinyMlp.inputs(20, 5);
        int[] y = TinyMlp.labels(20, 6);
        try (ParameterizedModel m = ParameterizedModel.open(mlp.write(dir));
             LossEvaluator ev = new LossEvaluator(m, Samples.classification(x, new long[]{TinyMlp.IN}, y), LossKind.CROSS_ENTROPY, 7, 2)) {
            float[] theta = m.theta0().clone();
            for (int i = 0; i < theta.length; i++) {
                theta[i] *= 1.5f;
            }
            TinyMlp scaled = new TinyMlp(4);
            for (float[] a : List.of(scaled.w1, scaled.b1, scaled.w2, scaled.b2)) {
                for (int i = 0; i < a.length; i++) {
                    a[i] *= 1.5f;
                }
            }
            LossPoint[] pts = ev.evaluateAll(3, (i, t) -> System.arraycopy(i == 1 ? theta : m.theta0(), 0, t, 0, t.length), Progress.NONE);
            assertEquals(mlp.crossEntropy(x, y), pts[0].loss(), 1e-5);
            assertEquals(scaled.crossEntropy(x, y), pts[1].loss(), 1e-5);
            assertEquals(pts[0], pts[2]);
        }
    }
}
