package dev.loupe.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.loupe.compress.layers.Layer;
import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Node;
import dev.loupe.linalg.GramSum;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Each layer's XᵀX over a calibration set (every sample and position), the Hessian of its output error
 * ‖(W − Ŵ)X‖² that GPTQ and SparseGPT minimize (the references' {@code add_batch}, without their 2/n scale,
 * which neither result depends on). Activations come from {@link ActivationProbe}; totals are in double.
 *
 * <p>MatMul and Gemm (transA = 0): a row of X is the last axis of the input. Conv (group 1, explicit pads):
 * a row is one output position's receptive field unfolded as [channel, ky, kx], the order of the weight's
 * flattened [out, in·kh·kw] view and of torch's {@code nn.Unfold} in the GPTQ reference; padding reads 0.
 * Rows are summed by {@link GramSum} (native ssyrk on blocks of rows).
 * Layers that read the same activation (Q, K and V projections) share one matrix.
 */
public final class InputGram {
    private InputGram() {
    }

    /** XᵀX (cols × cols, row-major, both triangles) and the number of rows summed, per layer name. */
    public record Gram(double[] xtx, int n, long rows) {
    }

    /**
     * @param model   the ONNX model the layers come from
     * @param layers  layers found in it (their {@code node} names the consumer)
     * @param batches model inputs; tensors are not closed here
     * @param workDir where the instrumented copy is written (deleted afterwards)
     */
    public static Map<String, Gram> collect(Path model, List<Layer> layers, Iterable<Map<String, OnnxTensor>> batches,
                                            Path workDir) {
        Map<String, Node> consumers = ActivationProbe.consumers(model, layers);
        Map<String, Accumulator> shared = new LinkedHashMap<>();
        Map<String, Accumulator> byLayer = new LinkedHashMap<>();
        Map<String, List<Accumulator>> byActivation = new LinkedHashMap<>();
        for (Layer l : layers) {
            Node node = consumers.get(l.name());
            String activation = node.inputs().get(0);
            Accumulator a = node.opType().equals("Conv") ? Accumulator.conv(model, l, node)
                    : shared.computeIfAbsent(activation, k -> new Accumulator(l.cols(), null));
            if (!byActivation.computeIfAbsent(activation, k -> new java.util.ArrayList<>()).contains(a)) {
                byActivation.get(activation).add(a);
            }
            byLayer.put(l.name(), a);
        }
        ActivationProbe.run(model, new LinkedHashSet<>(byActivation.keySet()), batches, workDir, (v, t) -> {
            for (Accumulator a : byActivation.get(v)) {
                a.add(v, t);
            }
        });
        Map<String, Gram> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            Accumulator a = byLayer.get(l.name());
            out.put(l.name(), new Gram(a.full(), a.n, a.rows()));
        }
        return out;
    }

    /** Conv geometry (kernel, strides, pads as top/left, dilations). */
    private record Conv(int channels, int kh, int kw, int sh, int sw, int ph, int pw, int pb, int pr, int dh, int dw) {
    }

    private static final class Accumulator {
        final int n;
        final Conv conv;
        final GramSum sum;
        private double[] full;

        Accumulator(int n, Conv conv) {
            this.n = n;
            this.conv = conv;
            this.sum = new GramSum(n);
        }

        static Accumulator conv(Path model, Layer l, Node node) {
            if (node.intAttribute("group", 1) != 1) {
                throw new LoupeException(model, "Conv '" + node.name() + "' is grouped; its XᵀX is per group, which is not supported (--skip it)");
            }
            Object pad = node.attributes().get("auto_pad");
            if (pad != null && !pad.equals("NOTSET")) {
                throw new LoupeException(model, "Conv '" + node.name() + "' uses auto_pad " + pad + "; only explicit pads are supported (--skip it)");
            }
            long[] k = ints(node, "kernel_shape", null);
            long[] s = ints(node, "strides", new long[] {1, 1});
            long[] p = ints(node, "pads", new long[] {0, 0, 0, 0});
            long[] d = ints(node, "dilations", new long[] {1, 1});
            if (k == null || k.length != 2) {
                throw new LoupeException(model, "Conv '" + node.name() + "' is not 2-D with a kernel_shape; its XᵀX is not supported (--skip it)");
            }
            int c = (int) (l.cols() / (k[0] * k[1]));
            return new Accumulator(l.cols(), new Conv(c, (int) k[0], (int) k[1], (int) s[0], (int) s[1], (int) p[0], (int) p[1],
                    (int) p[2], (int) p[3], (int) d[0], (int) d[1]));
        }

        private static long[] ints(Node node, String key, long[] fallback) {
            return node.attributes().get(key) instanceof long[] v ? v : fallback;
        }

        void add(String v, OnnxTensor t) throws OrtException {
            long[] shape = t.getInfo().getShape();
            FloatBuffer b = t.getFloatBuffer();
            if (b == null || shape.length < 2) {
                throw new LoupeException("activation '" + v + "' is not a float tensor of rank >= 2");
            }
            float[] x = new float[b.remaining()];
            b.get(x);
            if (conv == null) {
                if (shape[shape.length - 1] != n) {
                    throw new LoupeException("activation '" + v + "' has " + shape[shape.length - 1] + " channels, the layer " + n + " inputs");
                }
                sum.add(x, 0, x.length / n);
            } else {
                unfold(v, shape, x);
            }
        }

        private void unfold(String v, long[] shape, float[] x) {
            Conv c = conv;
            if (shape.length != 4 || shape[1] != c.channels()) {
                throw new LoupeException("activation '" + v + "' is not NCHW with " + c.channels() + " channels");
            }
            int batch = (int) shape[0];
            int h = (int) shape[2];
            int w = (int) shape[3];
            int ho = (h + c.ph() + c.pb() - c.dh() * (c.kh() - 1) - 1) / c.sh() + 1;
            int wo = (w + c.pw() + c.pr() - c.dw() * (c.kw() - 1) - 1) / c.sw() + 1;
            float[] row = new float[n];
            for (int s = 0; s < batch; s++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        int i = 0;
                        for (int ch = 0; ch < c.channels(); ch++) {
                            for (int ky = 0; ky < c.kh(); ky++) {
                                int y = oy * c.sh() - c.ph() + ky * c.dh();
                                for (int kx = 0; kx < c.kw(); kx++) {
                                    int xx = ox * c.sw() - c.pw() + kx * c.dw();
                                    row[i++] = y < 0 || y >= h || xx < 0 || xx >= w ? 0
                                            : x[((s * c.channels() + ch) * h + y) * w + xx];
                                }
                            }
                        }
                        sum.addRow(row, 0);
                    }
                }
            }
        }

        double[] full() {
            if (full == null) {
                full = sum.full();
            }
            return full;
        }

        long rows() {
            return sum.rows();
        }
    }
}
