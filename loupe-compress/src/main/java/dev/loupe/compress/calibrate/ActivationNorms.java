package dev.loupe.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.loupe.compress.layers.Layer;
import dev.loupe.core.LoupeException;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Wanda's ‖X_j‖₂: the L2 norm of each input channel of each layer's input over a calibration set (every
 * sample and position), from {@link ActivationProbe}, the squares summed in double.
 *
 * <p>MatMul and Gemm (transA = 0): channels are the last axis of the input. Conv: channels are axis 1, and a
 * channel's norm is repeated over its kh·kw kernel positions, an approximation of the im2col norms Wanda
 * would use (the same pixels, minus padding and stride effects).
 */
public final class ActivationNorms {
    private ActivationNorms() {
    }

    /**
     * @param model   the ONNX model the layers come from
     * @param layers  layers found in it (their {@code node} names the consumer)
     * @param batches model inputs; tensors are not closed here
     * @param workDir where the instrumented copy is written (deleted afterwards)
     */
    public static Map<String, double[]> collect(Path model, List<Layer> layers, Iterable<Map<String, OnnxTensor>> batches,
                                                Path workDir) {
        Map<String, String> inputOf = new LinkedHashMap<>();
        ActivationProbe.consumers(model, layers).forEach((layer, node) -> inputOf.put(layer, node.inputs().get(0)));
        Map<String, double[]> sums = new LinkedHashMap<>();
        ActivationProbe.run(model, new LinkedHashSet<>(inputOf.values()), batches, workDir, (v, t) -> accumulate(sums, v, t));
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            out.put(l.name(), expand(l, sums.get(inputOf.get(l.name()))));
        }
        return out;
    }

    /** Σx² per channel of activation {@code v}: the last axis, or axis 1 for a rank-4 (NCHW conv) input. */
    private static void accumulate(Map<String, double[]> sums, String v, OnnxTensor t) throws OrtException {
        long[] shape = t.getInfo().getShape();
        FloatBuffer b = t.getFloatBuffer();
        if (b == null || shape.length < 2) {
            throw new LoupeException("activation '" + v + "' is not a float tensor of rank >= 2");
        }
        boolean nchw = shape.length == 4;
        int channels = (int) (nchw ? shape[1] : shape[shape.length - 1]);
        int inner = nchw ? (int) (shape[2] * shape[3]) : 1;
        double[] acc = sums.computeIfAbsent(v, k -> new double[channels]);
        if (acc.length != channels) {
            throw new LoupeException("activation '" + v + "' changed its channel count between batches");
        }
        for (int i = 0; b.hasRemaining(); i++) {
            double x = b.get();
            acc[nchw ? (i / inner) % channels : i % channels] += x * x;
        }
    }

    private static double[] expand(Layer l, double[] squares) {
        if (l.cols() % squares.length != 0) {
            throw new LoupeException("layer '" + l.name() + "' has " + l.cols() + " inputs but its activation "
                    + squares.length + " channels");
        }
        int window = l.cols() / squares.length;
        double[] norms = new double[l.cols()];
        for (int c = 0; c < l.cols(); c++) {
            norms[c] = Math.sqrt(squares[c / window]);
        }
        return norms;
    }
}
