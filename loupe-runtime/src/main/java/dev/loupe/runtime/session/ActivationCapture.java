package dev.loupe.runtime.session;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.onnx.OnnxWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Intermediate tensors of an ONNX model over a set of batches: the model is copied with those tensors added to the
 * graph outputs ({@code OnnxWriter.addOutput}), run in ONNX Runtime on each batch, and every value handed to a sink.
 * What compress's calibration (layer inputs: Wanda norms, GPTQ's XᵀX) and diff's activation CKA (layer outputs)
 * are computed from.
 */
public final class ActivationCapture {
    /** Receives one batch's value of one captured tensor (valid only during the call). */
    public interface Sink {
        void accept(String activation, OnnxTensor value) throws OrtException;
    }

    private ActivationCapture() {
    }

    /**
     * Runs the batches through a copy of {@code model} that also outputs {@code activations}, written to
     * {@code workDir} and deleted afterwards.
     */
    public static void run(Path model, Set<String> activations, Iterable<Map<String, OnnxTensor>> batches, Path workDir,
                           Sink sink) {
        Set<String> outputs = new HashSet<>();
        try (Checkpoint cp = Checkpoints.open(model)) {
            outputs.addAll(cp.graph().orElseThrow(() -> new LoupeException(model, "has no graph to run")).outputs());
        }
        Path probe = workDir.resolve("." + model.getFileName() + ".probe.onnx");
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
            throw new LoupeException(model, "no batches ran");
        }
    }
}
