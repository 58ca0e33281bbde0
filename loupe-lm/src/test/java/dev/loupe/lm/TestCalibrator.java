package dev.loupe.lm;

import dev.loupe.core.progress.Progress;
import dev.loupe.lm.calibrate.CalibrationOptions;
import dev.loupe.lm.calibrate.CalibrationStats;
import dev.loupe.lm.calibrate.Calibrator;
import dev.loupe.lm.calibrate.LayerInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Block 0's attention input is RMSNorm(embedding row)·g, which the test computes from the weights directly: its
 * column sums of squares and XᵀX over the calibration windows must be what the calibrator collected.
 */
class TestCalibrator {
    @TempDir
    Path dir;

    @Test
    void firstBlockInputStatisticsMatchTheirDefinition() {
        TinyLm m = TinyLm.llama(11);
        int[] tokens = {4, 8, 15, 16, 22, 0, 1, 2, 3, 5, 7};
        try (LanguageModel lm = LanguageModel.open(m.writeHf(dir.resolve("hf")))) {
            // windows of 4: two of them (tokens 0..7); the remaining 3 tokens are not a whole window
            CalibrationStats s = Calibrator.collect(lm, tokens, new CalibrationOptions(4, 5, n -> n.contains("layers.0.self_attn.q_proj")),
                    Progress.NONE);
            assertEquals(2, s.windows());
            assertEquals(8, s.tokens());
            LayerInputs q = s.layers().get("model.layers.0.self_attn.q_proj.weight");
            assertSame(q, s.layers().get("model.layers.0.self_attn.k_proj.weight"), "q, k and v read one input");
            assertEquals(8, q.rows());
            double[] ss = new double[m.d];
            double[] gram = new double[m.d * m.d];
            for (int t = 0; t < 8; t++) {
                double[] e = m.w.get("embed")[tokens[t]];
                double ms = 0;
                for (double v : e) {
                    ms += v * v / m.d;
                }
                double[] x = new double[m.d];
                for (int j = 0; j < m.d; j++) {
                    x[j] = m.w.get("l0.n1")[0][j] * e[j] / Math.sqrt(ms + m.eps);
                    ss[j] += x[j] * x[j];
                }
                for (int i = 0; i < m.d; i++) {
                    for (int j = 0; j < m.d; j++) {
                        gram[i * m.d + j] += x[i] * x[j];
                    }
                }
            }
            assertArrayEquals(ss, q.sumSquares(), 1e-4);
            assertArrayEquals(gram, q.gram(), 1e-4);
            assertEquals(Math.sqrt(ss[3]), s.wandaNorms().get("model.layers.0.self_attn.v_proj.weight")[3], 1e-5);
            // every linear layer has norms of its input width; only the asked-for layer has XᵀX
            assertEquals(m.layers * 7, s.layers().size());
            assertEquals(m.inter, s.layers().get("model.layers.1.mlp.down_proj.weight").in());
            assertEquals(null, s.layers().get("model.layers.1.mlp.up_proj.weight").gram());
        }
    }
}
