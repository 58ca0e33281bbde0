package dev.loupe.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.layers.LayerFinder;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The calibration tests' tiny fixture (tiny-opset13.onnx: conv 1→4 3×3 on 6×6, ReLU, flatten, fc 64→8, ReLU, head)
 * and its forward pass written out in plain Java, the independent side the ONNX Runtime statistics are checked against.
 */
final class TinyConvNet {
    final Path model;
    final List<Layer> layers;
    final float[] w1;
    final float[] b1;
    final float[] w2;
    final float[] b2;

    private TinyConvNet(Path model, List<Layer> layers, float[] w1, float[] b1, float[] w2, float[] b2) {
        this.model = model;
        this.layers = layers;
        this.w1 = w1;
        this.b1 = b1;
        this.w2 = w2;
        this.b2 = b2;
    }

    /** The fixture copied into {@code dir} and its weights. */
    static TinyConvNet in(Path dir) throws IOException {
        Path model = dir.resolve("tiny.onnx");
        try (InputStream in = TinyConvNet.class.getResourceAsStream("/dev/loupe/compress/tiny-opset13.onnx")) {
            Files.copy(in, model);
        }
        try (Checkpoint cp = Checkpoints.open(model)) {
            return new TinyConvNet(model, LayerFinder.find(cp), floats(cp, "conv.weight"), floats(cp, "conv.bias"),
                    floats(cp, "fc.weight"), floats(cp, "fc.bias"));
        }
    }

    private static float[] floats(Checkpoint cp, String name) {
        return cp.tensor(name).orElseThrow().toFloats();
    }

    /** {@code n} seeded N(0, 1) images, [n][1][6][6]. */
    static float[][][][] images(long seed, int n) {
        Random rnd = new Random(seed);
        float[][][][] x = new float[n][1][6][6];
        for (float[][][] a : x) {
            for (float[] row : a[0]) {
                for (int i = 0; i < 6; i++) {
                    row[i] = (float) rnd.nextGaussian();
                }
            }
        }
        return x;
    }

    /** The images as two feeds (split at {@code at}), to check accumulation across batches. */
    static <T> T twoBatches(float[][][][] x, int at, FeedsUser<T> use) throws OrtException, IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor a = OnnxTensor.createTensor(env, Arrays.copyOfRange(x, 0, at));
             OnnxTensor b = OnnxTensor.createTensor(env, Arrays.copyOfRange(x, at, x.length))) {
            return use.apply(List.of(Map.of("x", a), Map.of("x", b)));
        }
    }

    interface FeedsUser<T> {
        T apply(List<Map<String, OnnxTensor>> feeds) throws OrtException, IOException;
    }

    /** The 3×3 patch at (i, j) of an image, row-major. */
    static double[] patch(float[][] image, int i, int j) {
        double[] p = new double[9];
        for (int u = 0; u < 3; u++) {
            for (int v = 0; v < 3; v++) {
                p[u * 3 + v] = image[i + u][j + v];
            }
        }
        return p;
    }

    /** ReLU(conv(image)) flattened channel-major: fc's input. */
    float[] features(float[][] image) {
        float[] f = new float[64];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double[] p = patch(image, i, j);
                for (int o = 0; o < 4; o++) {
                    double c = b1[o];
                    for (int k = 0; k < 9; k++) {
                        c += p[k] * w1[o * 9 + k];
                    }
                    f[o * 16 + i * 4 + j] = (float) Math.max(0, c);
                }
            }
        }
        return f;
    }

    /** ReLU(fc(features)): the head's input. */
    double[] hidden(float[] f) {
        double[] r = new double[8];
        for (int o = 0; o < 8; o++) {
            double g = b2[o];
            for (int k = 0; k < 64; k++) {
                g += f[k] * w2[o * 64 + k];
            }
            r[o] = Math.max(0, g);
        }
        return r;
    }
}
