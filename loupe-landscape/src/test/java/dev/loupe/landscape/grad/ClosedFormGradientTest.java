package dev.loupe.landscape.grad;

import dev.loupe.landscape.engine.ParameterizedModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Gradients and Hessian-vector products of the transformer rules against Jacobians written out by hand
 * (in double, from the textbook formulas in each test's comment), for the loss L = Σ h² + Σ h of
 * {@link OpModel}, whose derivative in h is g = 2h + 1.
 */
class ClosedFormGradientTest {
    @TempDir
    Path dir;

    /**
     * Softmax at opset 11 on [2, 3, 4] with axis 1 normalizes each of the 2 rows of 12 (coerced 2-D), not
     * each of the 8 columns of 3 (opset 13). With p the row's softmax: ∇L = p ⊙ (g − ⟨p, g⟩), and along v,
     * ṗ = p ⊙ (v − ⟨p, v⟩), ġ = 2ṗ, H·v = ṗ ⊙ (g − ⟨p, g⟩) + p ⊙ (ġ − ⟨ṗ, g⟩ − ⟨p, ġ⟩).
     */
    @Test
    void softmaxOpset11OnThreeDimsIsTheCoercedTwoDimensionalSoftmax() throws Exception {
        OpModel om = new OpModel(11, 3);
        om.weight("w", -2, 2, 2, 3, 4).node("Softmax", Map.of("axis", 1L), "h", "w");
        try (ParameterizedModel m = OpModel.open(om.write(dir, "softmax"))) {
            float[] w = m.theta0();
            double[] v = gaussian(w.length, 4);
            double[] grad = new double[24], hv = new double[24];
            double loss = 0;
            for (int row = 0; row < 2; row++) {
                double[] p = new double[12], g = new double[12], pd = new double[12];
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int k = 0; k < 12; k++) {
                    max = Math.max(max, w[row * 12 + k]);
                }
                for (int k = 0; k < 12; k++) {
                    z += Math.exp(w[row * 12 + k] - max);
                }
                double pg = 0, pv = 0;
                for (int k = 0; k < 12; k++) {
                    p[k] = Math.exp(w[row * 12 + k] - max) / z;
                    g[k] = 2 * p[k] + 1;
                    loss += p[k] * p[k] + p[k];
                    pg += p[k] * g[k];
                    pv += p[k] * v[row * 12 + k];
                }
                double pdg = 0, pgd = 0;
                for (int k = 0; k < 12; k++) {
                    pd[k] = p[k] * (v[row * 12 + k] - pv);
                    pdg += pd[k] * g[k];
                    pgd += p[k] * 2 * pd[k];
                }
                for (int k = 0; k < 12; k++) {
                    grad[row * 12 + k] = p[k] * (g[k] - pg);
                    hv[row * 12 + k] = pd[k] * (g[k] - pg) + p[k] * (2 * pd[k] - pdg - pgd);
                }
            }
            LossGradient lg = OpModel.gradient(m);
            assertEquals(loss, lg.loss(), 1e-5);
            assertClose(grad, lg.gradient(), 1e-5, "gradient");
            assertClose(hv, OpModel.hvp(m, v), 1e-4, "Hv");
        }
    }

    /**
     * LayerNorm over the last axis (rows of 5), y = γ ⊙ x̂ + β with x̂ = (x − μ)/σ, σ = √(var + ε), var the
     * population variance. With g = 2y + 1 and a = g ⊙ γ: ∂L/∂x = (a − mean(a) − x̂ ⊙ mean(a ⊙ x̂))/σ,
     * ∂L/∂γ = Σ_rows g ⊙ x̂, ∂L/∂β = Σ_rows g.
     */
    @Test
    void layerNormGradientIsTheTextbookOne() throws Exception {
        OpModel om = new OpModel(11, 5);
        TransformerOpGradientTest.layerNorm(om);
        try (ParameterizedModel m = OpModel.open(om.write(dir, "layernorm"))) {
            float[] x = slice(m, "x"), gamma = slice(m, "gamma"), beta = slice(m, "beta");
            double[] dx = new double[30], dg = new double[5], db = new double[5];
            for (int row = 0; row < 6; row++) {
                double mu = 0, var = 0;
                for (int k = 0; k < 5; k++) {
                    mu += x[row * 5 + k] / 5.0;
                }
                for (int k = 0; k < 5; k++) {
                    var += Math.pow(x[row * 5 + k] - mu, 2) / 5.0;
                }
                double sd = Math.sqrt(var + 1e-5);
                double[] xn = new double[5], a = new double[5];
                double ma = 0, max = 0;
                for (int k = 0; k < 5; k++) {
                    xn[k] = (x[row * 5 + k] - mu) / sd;
                    double g = 2 * (gamma[k] * xn[k] + beta[k]) + 1;
                    a[k] = g * gamma[k];
                    dg[k] += g * xn[k];
                    db[k] += g;
                    ma += a[k] / 5;
                    max += a[k] * xn[k] / 5;
                }
                for (int k = 0; k < 5; k++) {
                    dx[row * 5 + k] = (a[k] - ma - xn[k] * max) / sd;
                }
            }
            double[] grad = OpModel.gradient(m).gradient();
            assertClose(dx, part(m, grad, "x"), 2e-4, "dx");
            assertClose(dg, part(m, grad, "gamma"), 2e-4, "dgamma");
            assertClose(db, part(m, grad, "beta"), 2e-4, "dbeta");
        }
    }

    /**
     * h[i, j] = word[ids[i, j]] + pos[j] (positions through Slice): ∂L/∂word[t] sums g[i, j] over every
     * (i, j) with ids[i, j] = t — token 2 appears three times, 0 twice, 3 never — and ∂L/∂pos[j] = Σ_i g[i, j],
     * zero for the unused position 4.
     */
    @Test
    void embeddingGradientSumsRepeatedTokens() throws Exception {
        OpModel om = new OpModel(11, 6);
        TransformerOpGradientTest.embeddings(om);
        int[] ids = {0, 2, 2, 5, 4, 0, 1, 2};
        try (ParameterizedModel m = OpModel.open(om.write(dir, "embeddings"))) {
            float[] word = slice(m, "word"), pos = slice(m, "pos");
            double[] dw = new double[18], dp = new double[15];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    for (int d = 0; d < 3; d++) {
                        double g = 2 * (word[ids[i * 4 + j] * 3 + d] + pos[j * 3 + d]) + 1;
                        dw[ids[i * 4 + j] * 3 + d] += g;
                        dp[j * 3 + d] += g;
                    }
                }
            }
            double[] grad = OpModel.gradient(m).gradient();
            assertClose(dw, part(m, grad, "word"), 1e-5, "dword");
            assertClose(dp, part(m, grad, "pos"), 1e-5, "dpos");
        }
    }

    /** ReduceMean over axis 1 of [2, 3, 4], keepdims 0 and 1: ∂L/∂w[a, b, c] = g[a, c] / 3. */
    @Test
    void reduceMeanGradientWithAndWithoutKeptAxis() throws Exception {
        for (long keep : new long[]{0, 1}) {
            OpModel om = new OpModel(11, 9);
            om.weight("w", -1, 1, 2, 3, 4).node("ReduceMean", Map.of("axes", new long[]{1}, "keepdims", keep), "h", "w");
            try (ParameterizedModel m = OpModel.open(om.write(dir, "mean" + keep))) {
                float[] w = m.theta0();
                double[] want = new double[24];
                for (int a = 0; a < 2; a++) {
                    for (int c = 0; c < 4; c++) {
                        double mean = (w[a * 12 + c] + w[a * 12 + 4 + c] + w[a * 12 + 8 + c]) / 3;
                        for (int b = 0; b < 3; b++) {
                            want[a * 12 + b * 4 + c] = (2 * mean + 1) / 3;
                        }
                    }
                }
                assertClose(want, OpModel.gradient(m).gradient(), 1e-6, "keepdims " + keep);
            }
        }
    }

    private static float[] slice(ParameterizedModel m, String name) {
        int i = m.layout().names().indexOf(name);
        return java.util.Arrays.copyOfRange(m.theta0(), m.layout().offset(i), m.layout().offset(i) + m.layout().length(i));
    }

    private static double[] part(ParameterizedModel m, double[] all, String name) {
        int i = m.layout().names().indexOf(name);
        return java.util.Arrays.copyOfRange(all, m.layout().offset(i), m.layout().offset(i) + m.layout().length(i));
    }

    private static double[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + " entry " + i);
        }
    }
}
