package dev.loupe.lm.calibrate;

import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.openblas.NativeSgemm;
import dev.loupe.lm.weights.Linear;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The calibrator's XᵀX (one ssyrk per window, upper triangle mirrored) against the full sgemm per window it replaced,
 * on 3 windows of 512 rows of a 384-wide input with a non-zero mean (an LLM activation's scale): equal within float
 * rounding of one window's sum, 1e-6 of the largest diagonal entry, and exactly symmetric.
 */
class TestCalibratorGram {
    @Test
    void syrkXtxEqualsTheSgemmSumWithinFloatRounding() {
        int n = 384;
        int rows = 512;
        Random rnd = new Random(7);
        Linear layer = new Linear("l.weight", Tensor.contiguous("l.weight", DType.F32, new long[] {1, n},
                Encode.floats(new float[n], DType.F32), null), null, false, n, 1);
        Calibrator c = new Calibrator(new CalibrationOptions(rows, 3, name -> true));
        NativeSgemm sgemm = NativeSgemm.load();
        double[] reference = new double[n * n];
        float[] window = new float[n * n];
        for (int w = 0; w < 3; w++) {
            float[] x = new float[rows * n];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (0.5 + 2 * rnd.nextGaussian());
            }
            c.newWindow();
            c.observe(layer, x, rows);
            sgemm.sgemm(true, false, n, n, rows, 1f, MemorySegment.ofArray(x), n, MemorySegment.ofArray(x), n, 0f,
                    MemorySegment.ofArray(window), n);
            for (int i = 0; i < n * n; i++) {
                reference[i] += window[i];
            }
        }
        double[] gram = c.stats(3, rows).layers().get("l.weight").gram();
        double scale = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, reference[i * n + i]);
        }
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                worst = Math.max(worst, Math.abs(gram[i * n + j] - reference[i * n + j]));
                assertEquals(gram[i * n + j], gram[j * n + i], 0, "symmetric");
            }
        }
        assertEquals(0, worst / scale, 1e-6, "worst difference " + worst + " of diagonal " + scale);
    }
}
