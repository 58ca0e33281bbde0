package dev.loupe.cli;

import dev.loupe.core.bundled.BundledModels;
import dev.loupe.landscape.engine.LossEvaluator;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.engine.SelfTargets;
import dev.loupe.landscape.engine.SentencePooling;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.hessian.ExactHvp;
import dev.loupe.runtime.OnnxModel;
import dev.loupe.runtime.text.Pooling;
import dev.loupe.runtime.text.SentenceEmbedder;
import dev.loupe.runtime.text.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gradients and Hessian-vector products on the real all-MiniLM-L6-v2 (opset 11) with sentence pooling, for
 * two short sentences and a weight set that makes every layer live: the word-embedding table (Gather
 * backward), the position table (reached through Slice), every LayerNorm and the first layer's Q/K/V
 * matrices. Directional derivatives along a seeded random unit direction u are checked against central
 * differences of the ORT forward pass. u is zero on the word-table rows of tokens the sentences do not use
 * (their loss does not depend on them): spread over all 11.7M table entries, u would leave a directional
 * derivative so small that float32 rounding of θ ± εu scattered the differences by ±3%. With ε = 1e-2 in θ
 * units the differences agree with the exact values to 5e-4 (measured), inside the 1% tolerance.
 */
class HessianOnMiniLmTest {
    private static final Pattern WEIGHTS = Pattern.compile("word_embeddings|position_embeddings|LayerNorm|onnx::MatMul_78[78]|onnx::MatMul_791");
    private static final double EPS = 1e-2;

    @Test
    void gradientAndHessianAlongADirectionMatchDifferencesOfTheForwardPass() {
        try (ParameterizedModel m = SentencePooling.append(ParameterizedModel.open(BundledModels.miniLm(), n -> WEIGHTS.matcher(n).find()), Pooling.MEAN)) {
            Samples text = text();
            float[] theta = m.theta0();
            double[] u = direction(m, text);
            // targets: each sentence gets the other's embedding (not ±its own: a unit-norm output moves
            // orthogonally to itself, which would make the gradient vanish)
            Samples self = SelfTargets.at(m, text, theta, 2);
            int w = self.targetWidth();
            float[] swapped = new float[2 * w];
            System.arraycopy(self.targets(), w, swapped, 0, w);
            System.arraycopy(self.targets(), 0, swapped, w, w);
            Samples data = text.withTargets(swapped, w);
            try (LossEvaluator loss = new LossEvaluator(m, data, LossKind.MSE, 2, 1);
                 GradientEvaluator g = new GradientEvaluator(m, data, LossKind.MSE, 2, 2, true)) {
                double[] grad = g.evaluate(theta).gradient();
                double fd = (loss.evaluate(shift(theta, u, EPS)).loss() - loss.evaluate(shift(theta, u, -EPS)).loss()) / (2 * EPS);
                assertEquals(fd, dot(grad, u), 0.01 * Math.abs(fd)); // measured 5e-4 apart
                double uhu = dot(new ExactHvp(g, theta).apply(u), u);
                double fdh = (dot(g.evaluate(shift(theta, u, EPS)).gradient(), u) - dot(g.evaluate(shift(theta, u, -EPS)).gradient(), u)) / (2 * EPS);
                assertEquals(fdh, uhu, 0.01 * Math.abs(fdh)); // measured 5e-4 apart
            }
        }
    }

    /**
     * With the model's own embeddings as targets the residual is zero, so uᵀHu is the Gauss–Newton form
     * (2/(dim·n))·Σ‖J u‖², where J u, the change of each embedding along u, comes from central differences
     * of the forward pass alone.
     */
    @Test
    void selfDistillationCurvatureIsGaussNewton() {
        try (ParameterizedModel m = SentencePooling.append(ParameterizedModel.open(BundledModels.miniLm(), n -> WEIGHTS.matcher(n).find()), Pooling.MEAN)) {
            Samples text = text();
            float[] theta = m.theta0();
            double[] u = direction(m, text);
            Samples data = SelfTargets.at(m, text, theta, 2);
            float[] plus = SelfTargets.at(m, text, shift(theta, u, EPS), 2).targets();
            float[] minus = SelfTargets.at(m, text, shift(theta, u, -EPS), 2).targets();
            double jj = 0;
            for (int i = 0; i < plus.length; i++) {
                double ju = (plus[i] - (double) minus[i]) / (2 * EPS);
                jj += ju * ju;
            }
            double gaussNewton = 2.0 / (data.targetWidth() * data.size()) * jj;
            try (GradientEvaluator g = new GradientEvaluator(m, data, LossKind.MSE, 2, 2, true)) {
                var at = g.evaluate(theta);
                assertTrue(at.loss() < 1e-10, "loss at the model's own embeddings " + at.loss());
                double uhu = dot(new ExactHvp(g, theta).apply(u), u);
                assertEquals(gaussNewton, uhu, 0.005 * gaussNewton); // measured 3.5e-4 apart
            }
        }
    }

    /**
     * The pooling head in ONNX, on padded batches, gives the embeddings loupe-runtime's SentenceEmbedder computes
     * in Java from unpadded single-sentence runs (a separate implementation), for mean and for CLS pooling.
     */
    @Test
    void poolingHeadMatchesTheRuntimeEmbedder() {
        WordPieceTokenizer wp = WordPieceTokenizer.load(BundledModels.miniLmTokenizer(), 256);
        List<String> s = List.of("A penny saved is a penny earned.", "Time flies like an arrow; fruit flies like a banana.", "Hi.");
        Samples text = Samples.text(s.stream().map(wp::encode).toArray(long[][]::new));
        for (Pooling p : Pooling.values()) {
            Pooling mode = p;
            try (ParameterizedModel m = SentencePooling.append(ParameterizedModel.open(BundledModels.miniLm(), n -> n.contains("LayerNorm")), mode);
                 OnnxModel runtime = OnnxModel.open(BundledModels.miniLm(), 1)) {
                Samples pooled = SelfTargets.at(m, text, m.theta0(), 3); // one padded batch of three
                float[][] want = new SentenceEmbedder(runtime, wp, p).embed(s);
                int w = pooled.targetWidth();
                for (int i = 0; i < s.size(); i++) {
                    double dot = 0;
                    for (int k = 0; k < w; k++) {
                        dot += want[i][k] * pooled.targets()[i * w + k];
                    }
                    assertEquals(1.0, dot, 1e-5, p + " sentence " + i); // both unit length
                }
            }
        }
    }

    private static Samples text() {
        WordPieceTokenizer wp = WordPieceTokenizer.load(BundledModels.miniLmTokenizer(), 256);
        List<String> s = List.of("A penny saved is a penny earned.", "Time flies like an arrow; fruit flies like a banana.");
        return Samples.text(s.stream().map(wp::encode).toArray(long[][]::new));
    }

    /** A seeded Gaussian unit vector, zero on the rows of the word table that no sentence uses. */
    private static double[] direction(ParameterizedModel m, Samples text) {
        SplittableRandom r = new SplittableRandom(17);
        double[] u = new double[m.theta0().length];
        for (int i = 0; i < u.length; i++) {
            u[i] = r.nextGaussian();
        }
        int table = m.layout().names().indexOf("embeddings.word_embeddings.weight");
        int width = (int) m.layout().shapes().get(table)[1], off = m.layout().offset(table);
        java.util.Set<Long> used = new java.util.HashSet<>();
        for (long[] t : text.tokens()) {
            for (long id : t) {
                used.add(id);
            }
        }
        for (int row = 0; row < m.layout().length(table) / width; row++) {
            if (!used.contains((long) row)) {
                java.util.Arrays.fill(u, off + row * width, off + (row + 1) * width, 0);
            }
        }
        double norm = Math.sqrt(dot(u, u));
        for (int i = 0; i < u.length; i++) {
            u[i] /= norm;
        }
        return u;
    }

    private static float[] shift(float[] theta, double[] u, double eps) {
        float[] out = new float[theta.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (theta[i] + eps * u[i]);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
