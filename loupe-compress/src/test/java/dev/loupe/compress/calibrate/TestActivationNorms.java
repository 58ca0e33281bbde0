package dev.loupe.compress.calibrate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Norms from ONNX Runtime against the tiny fixture's forward pass written out in plain Java (TinyConvNet). */
class TestActivationNorms {
    @TempDir
    Path dir;

    @Test
    void matchesAHandWrittenForwardPass() throws Exception {
        TinyConvNet net = TinyConvNet.in(dir);
        int n = 5;
        float[][][][] x = TinyConvNet.images(8, n);
        // two batches, to check accumulation across them
        Map<String, double[]> norms = TinyConvNet.twoBatches(x, 2, feeds -> ActivationNorms.collect(net.model, net.layers, feeds, dir));
        // conv input is x: one channel, its norm repeated over the 3x3 window
        double sx = 0;
        double[] sf = new double[64];
        double[] sr = new double[8];
        for (int s = 0; s < n; s++) {
            float[] f = net.features(x[s][0]);
            for (float[] row : x[s][0]) {
                for (float v : row) {
                    sx += v * v;
                }
            }
            for (int k = 0; k < 64; k++) {
                sf[k] += f[k] * f[k];
            }
            double[] r = net.hidden(f);
            for (int o = 0; o < 8; o++) {
                sr[o] += r[o] * r[o];
            }
        }
        double[] conv = norms.get("conv.weight");
        assertEquals(9, conv.length);
        for (double v : conv) {
            assertEquals(Math.sqrt(sx), v, 1e-4 * Math.sqrt(sx));
        }
        double[] fc = norms.get("fc.weight");
        for (int k = 0; k < 64; k++) {
            assertEquals(Math.sqrt(sf[k]), fc[k], 1e-4 * (1 + Math.sqrt(sf[k])));
        }
        double[] head = norms.get("head.weight");
        for (int o = 0; o < 8; o++) {
            assertEquals(Math.sqrt(sr[o]), head[o], 1e-4 * (1 + Math.sqrt(sr[o])));
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count()); // the instrumented copy is gone
        }
    }
}
