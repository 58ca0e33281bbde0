package dev.loupe.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.compress.layers.Layer;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Node;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Wanda's ‖X_j‖₂: the L2 norm of each input channel of each layer's input over a calibration set (every
 * sample and position). The model is copied with each layer's input activation added to the graph outputs,
 * run in ONNX Runtime on the batches, and the squares summed in double.
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
        Set<String> outputs = new HashSet<>();
        try (Checkpoint cp = Checkpoints.open(model)) {
            var g = cp.graph().orElseThrow(() -> new LoupeException(model, "has no graph to run"));
            outputs.addAll(g.outputs());
            Map<String, Node> byName = new LinkedHashMap<>();
            for (Node n : g.allNodes()) {
                byName.putIfAbsent(n.name(), n);
            }
            for (Layer l : layers) {
                Node n = byName.get(l.node());
                if (n == null || n.inputs().isEmpty()) {
                    throw new LoupeException(model, "layer '" + l.name() + "' has no consumer node to calibrate");
                }
                if (n.opType().equals("Gemm") && n.intAttribute("transA", 0) != 0) {
                    throw new LoupeException(model, "Gemm '" + n.name() + "' has transA=1; Wanda norms are not supported there");
                }
                inputOf.put(l.name(), n.inputs().get(0));
            }
        }
        Path probe = workDir.resolve("." + model.getFileName() + ".calibrate.onnx");
        OnnxWriter w = OnnxWriter.edit(model);
        new LinkedHashSet<>(inputOf.values()).stream().filter(v -> !outputs.contains(v)).forEach(w::addOutput);
        w.write(probe);
        try {
            return run(probe, layers, inputOf, batches);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a leftover probe file in the work directory is harmless
            }
        }
    }

    private static Map<String, double[]> run(Path probe, List<Layer> layers, Map<String, String> inputOf,
                                             Iterable<Map<String, OnnxTensor>> batches) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Set<String> wanted = new LinkedHashSet<>(inputOf.values());
        try (ModelSession s = OrtSessions.open(probe, SessionSettings.defaults())) {
            for (Map<String, OnnxTensor> batch : batches) {
                try (OrtSession.Result r = s.run(batch, wanted)) {
                    for (String v : wanted) {
                        OnnxValue val = r.get(v).orElseThrow();
                        if (!(val instanceof OnnxTensor t)) {
                            throw new LoupeException(probe, "activation '" + v + "' is not a tensor");
                        }
                        accumulate(sums, v, t);
                    }
                }
            }
        } catch (OrtException e) {
            throw new LoupeException(probe, "ONNX Runtime: " + e.getMessage(), e);
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Layer l : layers) {
            double[] sq = sums.get(inputOf.get(l.name()));
            if (sq == null) {
                throw new LoupeException(probe, "no calibration batches ran");
            }
            out.put(l.name(), expand(l, sq));
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
