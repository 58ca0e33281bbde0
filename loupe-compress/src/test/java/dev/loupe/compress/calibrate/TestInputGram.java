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

/** XᵀX from ONNX Runtime against the tiny fixture's forward pass written out in plain Java (see TestActivationNorms). */
class TestInputGram {
    @TempDir
    Path dir;

    @Test
    void matchesAHandWrittenForwardPass() throws Exception {
        Path model = dir.resolve("tiny.onnx");
        try (var in = getClass().getResourceAsStream("/dev/loupe/compress/tiny-opset13.onnx")) {
            Files.copy(in, model);
        }
        Random rnd = new Random(9);
        int n = 3;
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
        try (Checkpoint cp = Checkpoints.open(model)) {
            layers = LayerFinder.find(cp);
            w1 = cp.tensor("conv.weight").orElseThrow().toFloats();
            b1 = cp.tensor("conv.bias").orElseThrow().toFloats();
        }
        Map<String, InputGram.Gram> grams;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor a = OnnxTensor.createTensor(env, java.util.Arrays.copyOfRange(x, 0, 1));
             OnnxTensor b = OnnxTensor.createTensor(env, java.util.Arrays.copyOfRange(x, 1, n))) {
            grams = InputGram.collect(model, layers, List.of(Map.of("x", a), Map.of("x", b)), dir);
        }
        // conv (1 channel, 3x3, no padding, 6x6 -> 4x4): rows are the 16 unfolded 3x3 patches per sample;
        // fc: rows are the flattened ReLU(conv) maps
        double[] conv = new double[81];
        double[] fc = new double[64 * 64];
        for (int s = 0; s < n; s++) {
            float[] f = new float[64];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    double[] patch = new double[9];
                    for (int u = 0; u < 3; u++) {
                        for (int v = 0; v < 3; v++) {
                            patch[u * 3 + v] = x[s][0][i + u][j + v];
                        }
                    }
                    for (int p = 0; p < 9; p++) {
                        for (int q = 0; q < 9; q++) {
                            conv[p * 9 + q] += patch[p] * patch[q];
                        }
                    }
                    for (int o = 0; o < 4; o++) {
                        double c = b1[o];
                        for (int p = 0; p < 9; p++) {
                            c += patch[p] * w1[o * 9 + p];
                        }
                        f[o * 16 + i * 4 + j] = (float) Math.max(0, c);
                    }
                }
            }
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
