package dev.loupe.compress.calibrate;

import ai.onnxruntime.OnnxTensor;
import dev.loupe.compress.layers.Layer;
import dev.loupe.runtime.session.ActivationCapture;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Node;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Each layer's input activation over a calibration set, captured by runtime's {@link ActivationCapture}: what
 * Wanda's norms ({@link ActivationNorms}) and GPTQ/SparseGPT's XᵀX ({@link InputGram}) are summed from.
 */
final class ActivationProbe {
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

    /** Runs the batches and hands each layer input to {@code sink} ({@link ActivationCapture#run}). */
    static void run(Path model, Set<String> activations, Iterable<Map<String, OnnxTensor>> batches, Path workDir,
                    ActivationCapture.Sink sink) {
        ActivationCapture.run(model, activations, batches, workDir, sink);
    }
}
