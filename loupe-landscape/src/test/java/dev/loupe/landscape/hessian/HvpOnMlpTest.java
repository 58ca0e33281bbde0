package dev.loupe.landscape.hessian;

import dev.loupe.landscape.TinyMlp;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.grad.GradientEvaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The R-operator Hv on the 4-3-2 MLP against central differences of its exact gradients along v
 * (ε = 1e-3 in double: θ ± εv are exact enough in float32 for this tiny model, and the few samples
 * cross no ReLU kink at this step; the seeds fix that).
 */
class HvpOnMlpTest {
    @TempDir
    Path dir;

    @Test
    void exactHvpMatchesDifferencesOfGradients() throws Exception {
        TinyMlp mlp = new TinyMlp(31);
        Samples data = Samples.classification(TinyMlp.inputs(40, 32), new long[]{TinyMlp.IN}, TinyMlp.labels(40, 33));
        try (ParameterizedModel m = ParameterizedModel.open(mlp.write(dir));
             GradientEvaluator g = new GradientEvaluator(m, data, LossKind.CROSS_ENTROPY, 16, 1, true)) {
            SplittableRandom r = new SplittableRandom(34);
            double[] v = new double[m.layout().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextGaussian();
            }
            double[] exact = new ExactHvp(g, m.theta0()).apply(v);
            double[] fd = new FiniteDifferenceHvp(g, m.theta0(), 1e-3).apply(v);
            double scale = 0;
            for (double x : exact) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int i = 0; i < v.length; i++) {
                assertEquals(fd[i], exact[i], 2e-3 * scale, "entry " + i);
            }
            // at the point, the tangent-independent part prepared once per batch (3 batches, the last one short)
            try (GradientEvaluator at = GradientEvaluator.atPoint(m, data, LossKind.CROSS_ENTROPY, 16, 1, m.theta0(), null)) {
                double[] split = new ExactHvp(at, m.theta0()).apply(v);
                for (int i = 0; i < v.length; i++) {
                    assertEquals(exact[i], split[i], 1e-5 * scale, "prepared entry " + i);
                }
                assertEquals(g.evaluate(m.theta0()).loss(), at.evaluate(m.theta0()).loss(), 1e-6);
            }
        }
    }
}
