package dev.loupe.compress.calibrate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** XᵀX from ONNX Runtime against the tiny fixture's forward pass written out in plain Java (TinyConvNet). */
class TestInputGram {
    @TempDir
    Path dir;

    @Test
    void matchesAHandWrittenForwardPass() throws Exception {
        TinyConvNet net = TinyConvNet.in(dir);
        int n = 3;
        float[][][][] x = TinyConvNet.images(9, n);
        Map<String, InputGram.Gram> grams = TinyConvNet.twoBatches(x, 1, feeds -> InputGram.collect(net.model, net.layers, feeds, dir));
        // conv (1 channel, 3x3, no padding, 6x6 -> 4x4): rows are the 16 unfolded 3x3 patches per sample;
        // fc: rows are the flattened ReLU(conv) maps
        double[] conv = new double[81];
        double[] fc = new double[64 * 64];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    double[] patch = TinyConvNet.patch(x[s][0], i, j);
                    for (int p = 0; p < 9; p++) {
                        for (int q = 0; q < 9; q++) {
                            conv[p * 9 + q] += patch[p] * patch[q];
                        }
                    }
                }
            }
            float[] f = net.features(x[s][0]);
            for (int p = 0; p < 64; p++) {
                for (int q = 0; q < 64; q++) {
                    fc[p * 64 + q] += f[p] * f[q];
                }
            }
        }
        InputGram.Gram g = grams.get("conv.weight");
        assertEquals(9, g.n());
        assertEquals(16L * n, g.rows());
        for (int i = 0; i < 81; i++) {
            assertEquals(conv[i], g.xtx()[i], 1e-5 * (1 + Math.abs(conv[i])));
        }
        g = grams.get("fc.weight");
        assertEquals(n, g.rows());
        for (int i = 0; i < 64 * 64; i++) {
            assertEquals(fc[i], g.xtx()[i], 1e-4 * (1 + Math.abs(fc[i])), "fc " + i);
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
