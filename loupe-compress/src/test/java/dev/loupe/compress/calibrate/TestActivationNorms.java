package dev.loupe.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Norms from ONNX Runtime against a forward pass of the tiny fixture written out in plain Java. */
class TestActivationNorms {
    @TempDir
    Path dir;

    @Test
    void matchesAHandWrittenForwardPass() throws Exception {
        Path model = dir.resolve("tiny.onnx");
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/tiny-opset13.onnx")) {
            Files.copy(in, model);
        }
        Random rnd = new Random(8);
        int n = 5;
        float[][][][] x = new float[n][1][6][6];
        for (float[][][] a : x) {
            for (float[] row : a[0]) {
                for (int i = 0; i < 6; i++) {
                    row[i] = (float) rnd.nextGaussian();
                }
            }
        }
        List<Layer> layers;
        float[] w1;
        float[] b1;
        float[] w2;
        float[] b2;
        try (Checkpoint cp = Checkpoints.open(model)) {
            layers = LayerFinder.find(cp);
            w1 = cp.tensor("conv.weight").orElseThrow().toFloats();
            b1 = cp.tensor("conv.bias").orElseThrow().toFloats();
            w2 = cp.tensor("fc.weight").orElseThrow().toFloats();
            b2 = cp.tensor("fc.bias").orElseThrow().toFloats();
        }
        Map<String, double[]> norms;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        // two batches, to check accumulation across them
        try (OnnxTensor a = OnnxTensor.createTensor(env, java.util.Arrays.copyOfRange(x, 0, 2));
             OnnxTensor b = OnnxTensor.createTensor(env, java.util.Arrays.copyOfRange(x, 2, n))) {
            norms = ActivationNorms.collect(model, layers, List.of(Map.of("x", a), Map.of("x", b)), dir);
        }
        // conv input is x: one channel, its norm repeated over the 3x3 window
        double sx = 0;
        double[] sf = new double[64];
        double[] sr = new double[8];
        for (int s = 0; s < n; s++) {
            float[] f = new float[64];
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        double c = b1[o];
                        for (int u = 0; u < 3; u++) {
                            for (int v = 0; v < 3; v++) {
                                c += x[s][0][i + u][j + v] * w1[o * 9 + u * 3 + v];
                            }
                        }
                        f[o * 16 + i * 4 + j] = (float) Math.max(0, c);
                    }
                }
            }
            for (float[] row : x[s][0]) {
                for (float v : row) {
                    sx += v * v;
                }
            }
            for (int k = 0; k < 64; k++) {
                sf[k] += f[k] * f[k];
            }
            for (int o = 0; o < 8; o++) {
                double g = b2[o];
                for (int k = 0; k < 64; k++) {
                    g += f[k] * w2[o * 64 + k];
                }
                double r = Math.max(0, g);
                sr[o] += r * r;
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
