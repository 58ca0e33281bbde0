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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each layer's input activation over a calibration set: the model is copied with those activations added to
 * the graph outputs ({@code OnnxWriter.addOutput}), run in ONNX Runtime on the batches, and every activation
 * tensor handed to a sink. What Wanda's norms ({@link ActivationNorms}) and GPTQ/SparseGPT's XᵀX
 * ({@link InputGram}) are summed from.
 */
final class ActivationProbe {
    /** Receives one batch's value of one activation. */
    interface Sink {
        void accept(String activation, OnnxTensor value) throws OrtException;
    }

    private ActivationProbe() {
    }

    /** The node that reads each layer's weight (by layer name); Gemm with transA = 1 is refused. */
    static Map<String, Node> consumers(Path model, List<Layer> layers) {
        Map<String, Node> out = new LinkedHashMap<>();
        try (Checkpoint cp = Checkpoints.open(model)) {
            var g = cp.graph().orElseThrow(() -> new LoupeException(model, "has no graph to run"));
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
                    throw new LoupeException(model, "Gemm '" + n.name() + "' has transA=1; its inputs cannot be calibrated");
                }
                out.put(l.name(), n);
            }
        }
        return out;
    }

    /**
     * Runs the batches through a copy of {@code model} that also outputs {@code activations}, written to
     * {@code workDir} and deleted afterwards.
     */
    static void run(Path model, Set<String> activations, Iterable<Map<String, OnnxTensor>> batches, Path workDir, Sink sink) {
        Set<String> outputs = new HashSet<>();
        try (Checkpoint cp = Checkpoints.open(model)) {
            outputs.addAll(cp.graph().orElseThrow(() -> new LoupeException(model, "has no graph to run")).outputs());
        }
        Path probe = workDir.resolve("." + model.getFileName() + ".calibrate.onnx");
        OnnxWriter w = OnnxWriter.edit(model);
        new LinkedHashSet<>(activations).stream().filter(v -> !outputs.contains(v)).forEach(w::addOutput);
        w.write(probe);
        int ran = 0;
        try (ModelSession s = OrtSessions.open(probe, SessionSettings.defaults())) {
            for (Map<String, OnnxTensor> batch : batches) {
                try (OrtSession.Result r = s.run(batch, activations)) {
                    for (String v : activations) {
                        OnnxValue val = r.get(v).orElseThrow();
                        if (!(val instanceof OnnxTensor t)) {
                            throw new LoupeException(probe, "activation '" + v + "' is not a tensor");
                        }
                        sink.accept(v, t);
                    }
                }
                ran++;
            }
        } catch (OrtException e) {
            throw new LoupeException(probe, "ONNX Runtime: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // a leftover probe file in the work directory is harmless
            }
        }
        if (ran == 0) {
            throw new LoupeException(model, "no calibration batches ran");
        }
    }
}
