package dev.loupe.spectral.analysis;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.HillEstimator;
import dev.loupe.spectral.fit.MarchenkoPastur;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-layer precision decision of {@code --precision auto}, on spectra built to need double and
 * spectra built not to, and end to end: where the rule falls back, single precision really misses
 * alpha by more than 0.01 and auto gives fp64's numbers; where it does not, auto is fp32 exactly.
 */
class TestSinglePrecisionCheck {
    private static final double EPS32 = Math.ulp(1.0f);

    /** n Pareto(alpha) quantiles (scale 1), ascending: a power law over (n)^(1/(alpha-1)) decades. */
    private static double[] pareto(int n, double alpha) {
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) {
            ev[i] = Math.pow(1 - (i + 0.5) / n, -1 / (alpha - 1));
        }
        return ev;
    }

    private static String decide(double[] ev, int depth, double q) {
        PowerLawFit fit = PowerLawFitter.fit(ev, false);
        MpFit mp = MarchenkoPastur.fit(ev, q, ev.length);
        return SinglePrecisionCheck.unresolved(ev, depth, fit, HillEstimator.plAlphaHill(ev), mp);
    }

    /** The earlier worst-case rule: every eigenvalue off by ε₃₂·λmax·√M, alpha off by (α−1)²·2δ/xmin. */
    private static double worstCaseBound(double[] ev, PowerLawFit fit) {
        double delta = EPS32 * ev[ev.length - 1] * Math.sqrt(ev.length);
        return (fit.alpha() - 1) * (fit.alpha() - 1) * 2 * delta / fit.xmin();
    }

    @Test
    void errorModelIsAbsolutePlusRelative() {
        assertEquals(8 * EPS32 * 10, SinglePrecisionCheck.resolution(10), 0);
        assertEquals(4 * EPS32 * 64, SinglePrecisionCheck.relativeResolution(4096), 1e-20);
        // alpha 3 from the tail {1000, 2000}, absolute error 1, no relative error:
        // (3-1)^2 * 1 * (1/1000 + (1/1000 + 1/2000)/2) = 4 * 0.00175
        double[] ev = {1, 10, 1000, 2000};
        assertEquals(0.007, SinglePrecisionCheck.alphaErrorBound(ev, 3, 1000, 2000, 1, 0), 1e-15);
        // a relative error r alone: xmin's counts fully, the tail's mean at most 3r/√n, here capped at r
        // (n = 2): (3-1)^2 * 2 * 1e-4
        assertEquals(8e-4, SinglePrecisionCheck.alphaErrorBound(ev, 3, 1000, 2000, 0, 1e-4), 1e-15);
        // a tail of 100: (3-1)^2 * (1 + 3/10) * 1e-4
        double[] flat = new double[100];
        java.util.Arrays.fill(flat, 1000);
        assertEquals(5.2e-4, SinglePrecisionCheck.alphaErrorBound(flat, 3, 1000, 1000, 0, 1e-4), 1e-15);
        // clip_xmax: 2000 above xmax is not in the tail
        assertEquals(4 * 2e-3, SinglePrecisionCheck.alphaErrorBound(ev, 3, 1000, 1500, 1, 0), 1e-15);
    }

    @Test
    void moderateTailIsResolved() {
        // alpha 3 over 1000 eigenvalues: lambda_max / lambda_min = 1000^(1/2) ~ 32, far above 8·ε₃₂
        assertNull(decide(pareto(1000, 3), 1000, 1));
    }

    @Test
    void tailSpanningSixDecadesFallsBack() {
        // alpha 1.5: lambda_max / lambda_min = 1000^2 = 1e6; xmin sits ~1e-6·λmax, within a few 8·ε₃₂·λmax
        String why = decide(pareto(1000, 1.5), 1000, 1);
        assertNotNull(why);
        assertTrue(why.contains("xmin"), why);
    }

    @Test
    void steepTailFarBelowTheTopStaysWhereTheWorstCaseFellBack() {
        // like q_proj of the three LLaMA-shaped layers (alpha 6.15, xmin 0.03·λmax, M = N = 4096, where fp32 and
        // fp64 alphas differ by 1e-5): a Pareto(5) tail of 4096 eigenvalues under 8 spikes at ~35× its bottom
        double[] ev = pareto(4096, 5);
        for (int i = 0; i < 8; i++) {
            ev[4095 - i] = 32 + i;
        }
        java.util.Arrays.sort(ev);
        PowerLawFit fit = PowerLawFitter.fit(ev, false);
        assertTrue(worstCaseBound(ev, fit) > SinglePrecisionCheck.ALPHA_TOLERANCE, fit.toString());
        assertNull(decide(ev, 4096, 1));
        // the same tail 40× further below the top: now within the absolute error's reach
        for (int i = 0; i < 8; i++) {
            ev[4095 - i] *= 40;
        }
        assertNotNull(decide(ev, 4096, 1));
    }

    @Test
    void toleranceIsAFractionOfTheStandardErrorOnlyPastTheUnderTrainedVerdict() {
        // alpha 16 over n = 100: σ = 15/10 = 1.5, tolerance 0.05·1.5 = 0.075 (16 − 0.075 > 6)
        assertEquals(0.075, SinglePrecisionCheck.alphaTolerance(fit(16, 1.5)), 1e-15);
        // alpha 6.05, σ = 2: 6.05 − 0.1 < 6, the verdict could flip, so the fixed 0.005
        assertEquals(0.005, SinglePrecisionCheck.alphaTolerance(fit(6.05, 2)), 0);
        // alpha 8, σ = 0.05: 5 % of σ is below 0.005
        assertEquals(0.005, SinglePrecisionCheck.alphaTolerance(fit(8, 0.05)), 0);
        // alpha 3, σ = 1 (a short tail within the fit's range): the fixed 0.005
        assertEquals(0.005, SinglePrecisionCheck.alphaTolerance(fit(3, 1)), 0);
    }

    private static PowerLawFit fit(double alpha, double sigma) {
        return new PowerLawFit(alpha, 1, 2, 0.1, sigma, 10, "success", alpha, 0);
    }

    @Test
    void highAlphaTailStaysUnlessItsBottomIsNearTheAbsoluteError() {
        // a steep tail (Pareto(16), 200 eigenvalues) at the top of a flat bulk, like the generated 7B model's layers
        // (alpha 15–36, n 100–200): its bound (α−1)²·(a/xmin + r·…) exceeds 0.005, not 5 % of σ ≈ 1
        double[] ev = new double[4096];
        double[] tail = pareto(200, 16);
        for (int i = 0; i < 3896; i++) {
            ev[i] = tail[0] * (0.02 + 0.9 * i / 3896.0);
        }
        System.arraycopy(tail, 0, ev, 3896, 200);
        PowerLawFit f = PowerLawFitter.fit(ev, false);
        double bound = SinglePrecisionCheck.alphaErrorBound(ev, f.alpha(), f.xmin(), f.xmax(),
                SinglePrecisionCheck.resolution(ev[4095]), SinglePrecisionCheck.relativeResolution(4096));
        assertTrue(f.alpha() > 10 && bound > SinglePrecisionCheck.ALPHA_TOLERANCE, f + " bound " + bound);
        assertNull(decide(ev, 4096, 1));
        // the same tail under a spike 1e4 times its top: xmin is now ~1e3 absolute errors from zero and alpha
        // could move by more than 5 % of σ, so it falls back
        ev[4095] = 1e4 * tail[199];
        String why = decide(ev, 4096, 1);
        assertNotNull(why);
        assertTrue(why.contains("could move"), why);
    }

    @Test
    void bulkEdgeNearZeroFallsBack() {
        // an MP bulk at 1e-5 of lambda_max plus 3 spikes: the tail fit is fine but spikes are counted against
        // a bulk edge only ~16 absolute errors (8·ε₃₂·1 = 9.5e-7) from zero
        double[] ev = new double[403];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 400; i++) {
            ev[i] = 1e-5 * (0.5 + r.nextDouble());
        }
        ev[400] = 0.3;
        ev[401] = 0.6;
        ev[402] = 1;
        java.util.Arrays.sort(ev);
        PowerLawFit fit = new PowerLawFit(2.5, 0.3, 1, 0.1, 0.1, 3, "success", Double.NaN, 0);
        MpFit mp = new MpFit(1, 1.5e-5, 0.5e-5, 1, 3, 1.5e-5, "test");
        String why = SinglePrecisionCheck.unresolved(ev, 400, fit, Double.NaN, mp);
        assertNotNull(why);
        assertTrue(why.contains("bulk edge"), why);
        // the same with the bulk at 1e-2: resolved
        MpFit high = new MpFit(1, 1.5e-2, 0.5e-2, 1, 3, 1.5e-2, "test");
        assertNull(SinglePrecisionCheck.unresolved(ev, 400, fit, Double.NaN, high));
    }

    @Test
    void failedFitFallsBack() {
        assertNotNull(SinglePrecisionCheck.unresolved(new double[] {1, 2}, 2, PowerLawFit.failed(2), Double.NaN, null));
    }

    /** W = U·diag(σ)·Vᵀ with σ² the given spectrum and U, V Haar-like orthogonal (Gram–Schmidt of Gaussians), as float32. */
    private static float[] withSpectrum(double[] lambdas, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] u = orthogonal(r, n);
        double[][] v = orthogonal(r, n);
        float[] f = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += u[k][i] * Math.sqrt(lambdas[k]) * v[k][j];
                }
                f[i * n + j] = (float) s;
            }
        }
        return f;
    }

    /** Rows orthonormal: modified Gram–Schmidt of Gaussian rows. */
    private static double[][] orthogonal(SplittableRandom r, int n) {
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i][j] = r.nextGaussian();
            }
            for (int p = 0; p < i; p++) {
                double d = 0;
                for (int j = 0; j < n; j++) {
                    d += q[i][j] * q[p][j];
                }
                for (int j = 0; j < n; j++) {
                    q[i][j] -= d * q[p][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i][j] * q[i][j];
            }
            for (int j = 0; j < n; j++) {
                q[i][j] /= Math.sqrt(norm);
            }
        }
        return q;
    }

    private static Tensor f32(String name, float[] a, int rows, int cols) {
        return Tensor.contiguous(name, DType.F32, new long[] {rows, cols}, MemorySegment.ofArray(a), null);
    }

    private static List<LayerMetrics> inspect(Path file, Precision p) {
        try (Checkpoint cp = Checkpoints.open(file)) {
            InspectOptions o = new InspectOptions(p, ConvMode.SLICES, false, true, false, 0, 1);
            return new Inspector(Backends.best(), o).inspect(cp, Progress.NONE, "test", false).layers();
        }
    }

    @Test
    void highAlphaGaussianLayerStaysInSinglePrecision(@TempDir Path dir) {
        // N(0, 0.02) 2048×512, like WeightWatcher's synth.gauss_2048x512 (alpha 15.7), which the fixed 0.005
        // tolerance sent to double; fp32 must stay within the tolerance (and the 0.01 target) of fp64
        SplittableRandom r = new SplittableRandom(21);
        float[] gauss = new float[2048 * 512];
        for (int i = 0; i < gauss.length; i++) {
            gauss[i] = (float) (0.02 * r.nextGaussian());
        }
        Path file = dir.resolve("g.safetensors");
        SafetensorsWriter.write(file, List.of(f32("gauss", gauss, 2048, 512)), Map.of());
        LayerMetrics auto = inspect(file, Precision.AUTO).getFirst();
        LayerMetrics fp32 = inspect(file, Precision.FP32).getFirst();
        LayerMetrics fp64 = inspect(file, Precision.FP64).getFirst();
        PowerLawFit f = fp32.fit();
        assertTrue(f.alpha() > 10, f.toString());
        assertTrue(auto.notes().stream().noneMatch(s -> s.startsWith("recomputed")), auto.notes().toString());
        assertEquals(fp32.alpha(), auto.alpha(), 0);
        assertEquals(fp64.alpha(), auto.alpha(), Math.min(0.01, SinglePrecisionCheck.alphaTolerance(f)));
    }

    @Test
    void autoRecomputesExactlyTheLayersSinglePrecisionGetsWrong(@TempDir Path dir) {
        int n = 256;
        // a power-law bulk (alpha 3) over 1e-8..1.6e-7 of lambda_max, under one spike: below single precision's
        // resolution ε₃₂·λmax·√256 ≈ 2e-6·λmax, so fp32 returns rounding noise there
        double[] lambdas = pareto(n, 3);
        for (int i = 0; i < n; i++) {
            lambdas[i] *= 1e-2; // absolute values above the fit's 1e-5 floor (WeightWatcher's EVALS_THRESH)
        }
        lambdas[n - 1] = 1e6;
        float[] wide = withSpectrum(lambdas, n, 11);
        SplittableRandom r = new SplittableRandom(3);
        float[] gauss = new float[512 * 256];
        for (int i = 0; i < gauss.length; i++) {
            gauss[i] = (float) (0.02 * r.nextGaussian());
        }
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, List.of(f32("a_wide", wide, n, n), f32("b_gauss", gauss, 512, 256)), Map.of());
        List<LayerMetrics> auto = inspect(file, Precision.AUTO);
        List<LayerMetrics> fp32 = inspect(file, Precision.FP32);
        List<LayerMetrics> fp64 = inspect(file, Precision.FP64);

        // wide: single precision misses alpha or Hill alpha by more than the 0.01 agreement target; auto is fp64's
        double miss = Math.max(Math.abs(fp32.get(0).alpha() - fp64.get(0).alpha()),
                Math.abs(fp32.get(0).plAlphaHill() - fp64.get(0).plAlphaHill()));
        assertTrue(miss > 0.01, fp32.get(0).alpha() + " vs " + fp64.get(0).alpha());
        assertEquals(fp64.get(0).alpha(), auto.get(0).alpha(), 0);
        assertEquals(fp64.get(0).plAlphaHill(), auto.get(0).plAlphaHill(), 0);
        assertEquals(fp64.get(0).fit().xmin(), auto.get(0).fit().xmin(), 0);
        assertTrue(auto.get(0).notes().stream().anyMatch(s -> s.startsWith("recomputed in fp64: ")), auto.get(0).notes().toString());

        // gauss: kept in single precision (auto = fp32 exactly), within 0.01 of fp64
        assertEquals(fp32.get(1).alpha(), auto.get(1).alpha(), 0);
        assertTrue(auto.get(1).notes().stream().noneMatch(s -> s.startsWith("recomputed")), auto.get(1).notes().toString());
        assertEquals(fp64.get(1).alpha(), auto.get(1).alpha(), 0.01);
    }
}
