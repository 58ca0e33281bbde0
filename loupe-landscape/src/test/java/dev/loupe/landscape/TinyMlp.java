package dev.loupe.landscape;

import dev.loupe.core.graph.Node;
import dev.loupe.landscape.onnx.OnnxModelBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A 4-3-2 MLP written as ONNX by the test itself: Gemm(transB=1) + bias, Relu, MatMul + Add, so both
 * weight layouts ([out,in] and [in,out]) appear. Forward pass re-done in plain Java for expectations.
 */
public final class TinyMlp {
    public static final int IN = 4, HID = 3, OUT = 2;
    public final float[] w1 = new float[HID * IN], b1 = new float[HID], w2 = new float[HID * OUT], b2 = new float[OUT];

    public TinyMlp(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (float[] a : List.of(w1, b1, w2, b2)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextDouble() - 0.5);
            }
        }
    }

    public Path write(Path dir) throws IOException {
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        b.input("x", OnnxModelBuilder.FLOAT, -1, IN);
        b.output("logits", OnnxModelBuilder.FLOAT, -1, OUT);
        b.initializer("fc1.weight", w1, HID, IN).initializer("fc1.bias", b1, HID);
        b.initializer("fc2.weight", w2, HID, OUT).initializer("fc2.bias", b2, OUT);
        b.node(new Node("g", "Gemm", "", List.of("x", "fc1.weight", "fc1.bias"), List.of("h"), Map.of("transB", 1L)));
        b.node(new Node("r", "Relu", "", List.of("h"), List.of("a"), Map.of()));
        b.node(new Node("m", "MatMul", "", List.of("a", "fc2.weight"), List.of("z"), Map.of()));
        b.node(new Node("add", "Add", "", List.of("z", "fc2.bias"), List.of("logits"), Map.of()));
        Path p = dir.resolve("mlp.onnx");
        Files.write(p, b.build());
        return p;
    }

    /** Logits of one sample, in double. */
    public double[] logits(float[] x, int off) {
        double[] h = new double[HID];
        for (int j = 0; j < HID; j++) {
            double s = b1[j];
            for (int i = 0; i < IN; i++) {
                s += w1[j * IN + i] * x[off + i];
            }
            h[j] = Math.max(0, s);
        }
        double[] z = new double[OUT];
        for (int k = 0; k < OUT; k++) {
            double s = b2[k];
            for (int j = 0; j < HID; j++) {
                s += h[j] * w2[j * OUT + k];
            }
            z[k] = s;
        }
        return z;
    }

    /** Mean cross-entropy, textbook formula. */
    public double crossEntropy(float[] x, int[] labels) {
        double sum = 0;
        for (int s = 0; s < labels.length; s++) {
            double[] z = logits(x, s * IN);
            double lse = Math.log(Math.exp(z[0]) + Math.exp(z[1]));
            sum += lse - z[labels[s]];
        }
        return sum / labels.length;
    }

    public static float[] inputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    public static int[] labels(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(OUT);
        }
        return y;
    }
}
