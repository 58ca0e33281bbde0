package dev.loupe.spectral.analysis;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.layers.LayerDiscovery;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.SketchInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --sketch K}: the top-K eigenvalues by Lanczos against the exact ESD of the same matrix
 * (computed independently here with the Gram + eigensolver path), and the forced path for layers the
 * exact ESD cannot hold, which streams the tensor from the file.
 */
class TestSketch {
    @TempDir
    Path dir;

    /** A heavy-tailed 600x200 matrix (Student-t-like entries: Gaussian / sqrt(uniform)). */
    static float[] heavy(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() / Math.sqrt(0.05 + r.nextDouble()));
        }
        return v;
    }

    Path write(float[] w, int rows, int cols) {
        Path file = dir.resolve("m.safetensors");
        SafetensorsWriter.write(file, List.of(Tensor.contiguous("fc.weight", DType.F32, new long[]{rows, cols},
                MemorySegment.ofArray(w), null), Tensor.contiguous("small.weight", DType.F32, new long[]{30, 20},
                MemorySegment.ofArray(heavy(9, 600)), null)), Map.of());
        return file;
    }

    @Test
    void topKMatchesTheExactEsdWithinItsBound() {
        int rows = 600;
        int cols = 200;
        int k = 50;
        float[] w = heavy(1, rows * cols);
        double[] exact = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(w, rows, cols);
        InspectOptions o = new InspectOptions(Precision.FP64, ConvMode.SLICES, false, true, false, 0, 1)
                .withSketch(k, true);
        InspectResult r;
        try (Checkpoint cp = Checkpoints.open(write(w, rows, cols))) {
            r = new Inspector(Backends.pureJava(), o).inspect(cp, Progress.NONE, "test", false);
        }
        LayerMetrics fc = r.layers().stream().filter(m -> m.name().equals("fc")).findFirst().orElseThrow();
        LayerMetrics small = r.layers().stream().filter(m -> m.name().equals("small")).findFirst().orElseThrow();
        assertNull(small.sketch(), "20 eigenvalues <= K: exact");
        SketchInfo sk = fc.sketch();
        assertEquals(k, sk.k());
        assertEquals(200, sk.totalEvals());
        double lmax = exact[exact.length - 1];
        double[] top = r.spectra().stream().filter(s -> s.name().equals("fc")).findFirst().orElseThrow().eigenvalues();
        assertEquals(k, top.length);
        double measured = 0;
        for (int i = 0; i < k; i++) {
            double err = Math.abs(top[k - 1 - i] - exact[exact.length - 1 - i]);
            measured = Math.max(measured, err / lmax);
            assertTrue(err <= sk.maxRelBound() * lmax + 1e-12 * lmax, "eigenvalue " + i + " outside its bound");
        }
        assertEquals(measured, sk.maxRelError(), 1e-15);
        assertTrue(measured < 1e-10, "Lanczos converged: " + measured);
        // alpha of the sketch = alpha fitted to the exact top K; the full-ESD alpha is recorded beside it
        double[] exactTop = Arrays.copyOfRange(exact, exact.length - k, exact.length);
        assertEquals(PowerLawFitter.fit(exactTop, false).alpha(), fc.alpha(), 1e-9);
        assertEquals(PowerLawFitter.fit(exact, false).alpha(), sk.alphaExact(), 1e-12);
        // ‖W‖²_F = Σλ over ALL eigenvalues: exact even though only K are known
        assertEquals(Math.log10(Arrays.stream(exact).sum()), fc.logNorm(), 1e-12);
        assertTrue(Double.isNaN(fc.norms().entropy()) && Double.isNaN(fc.plAlphaHill()));
        assertTrue(fc.notes().get(0).startsWith("sketched (--sketch 50): top 50 of 200 eigenvalues"), fc.notes().get(0));
    }

    @Test
    void layersOverTheBudgetAreStreamedAndSaySo() {
        int rows = 400;
        int cols = 120;
        float[] w = heavy(2, rows * cols);
        InspectOptions o = InspectOptions.defaults();
        try (Checkpoint cp = Checkpoints.open(write(w, rows, cols))) {
            WeightMatrix m = LayerDiscovery.discover(cp, ConvMode.SLICES).matrices().get(0);
            Inspector insp = new Inspector(Backends.pureJava(), o);
            String reason = insp.sketchReason(m, 100_000);
            assertTrue(reason.startsWith("over the memory budget"), reason);
            assertNull(insp.sketchReason(m, 1L << 30));
            LayerMetrics lm = new SketchAnalyzer(new EsdCalculator(Backends.pureJava(), Precision.FP64), o)
                    .analyze(0, m, reason, System.nanoTime()).metrics();
            double[] exact = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(w, rows, cols);
            assertEquals(120, lm.sketch().totalEvals());
            assertEquals(120, lm.sketch().k(), "default K 256 capped at M");
            assertEquals(exact[exact.length - 1], lm.norms().spectralNorm(), 1e-10 * exact[exact.length - 1]);
            assertEquals(PowerLawFitter.fit(exact, false).alpha(), lm.alpha(), 1e-6);
            assertTrue(lm.notes().get(0).contains("over the memory budget") && lm.notes().get(0).contains("λ_max"),
                    lm.notes().get(0));
            assertTrue(lm.notes().stream().anyMatch(n -> n.startsWith("weight statistics from")), lm.notes().toString());
        }
    }
}
