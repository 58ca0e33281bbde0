package dev.loupe.diff.activations;

import ai.onnxruntime.OnnxTensor;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.diff.match.LayerPair;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.runtime.OnnxModel;
import dev.loupe.runtime.session.ActivationCapture;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Linear CKA of each matched layer's output between two ONNX models over the same examples. WeightWatcher 0.7.5.5's
 * {@code distances()} has no activation CKA (its 'cka' is an uncentered alignment of the weight matrices), so this
 * follows Kornblith et al. (2019): the output of the node that reads each layer's weight (a Conv, Gemm or MatMul,
 * bias included, before any activation function), flattened per example, captured with
 * {@link ActivationCapture} on the first {@code samples} examples, compared by {@link LinearCka}.
 */
public final class ActivationCka {
    private static final int BATCH = 64;

    private ActivationCka() {
    }

    /** The pairs whose weights feed a node in both graphs, compared; the others are left out. */
    public static List<LayerActivations> compare(Path base, Path other, List<LayerPair> pairs, Dataset data, int samples,
                                                 DenseBackend backend) {
        Map<LayerPair, String> outA = outputs(base, pairs, true);
        Map<LayerPair, String> outB = outputs(other, pairs, false);
        int n = Math.min(samples, data.rows());
        Map<String, float[]> actA = capture(base, new LinkedHashSet<>(outA.values()), data, n);
        Map<String, float[]> actB = capture(other, new LinkedHashSet<>(outB.values()), data, n);
        List<LayerActivations> rows = new ArrayList<>();
        for (LayerPair p : pairs) {
            String a = outA.get(p);
            String b = outB.get(p);
            if (a == null || b == null) {
                continue;
            }
            float[] x = actA.get(a);
            float[] y = actB.get(b);
            rows.add(new LayerActivations(p.base().name(), a, b, x.length / n, n,
                    LinearCka.of(backend, x, x.length / n, y, y.length / n, n)));
        }
        return rows;
    }

    /** For each pair, the first output of the node that reads its weight in {@code model} (absent if none). */
    private static Map<LayerPair, String> outputs(Path model, List<LayerPair> pairs, boolean base) {
        try (Checkpoint cp = Checkpoints.open(model)) {
            Graph g = cp.graph().orElseThrow(() -> new LoupeException(model,
                    "--data compares layer outputs, which needs two ONNX models (this has no graph to run)"));
            Map<LayerPair, String> out = new HashMap<>();
            for (LayerPair p : pairs) {
                String weight = (base ? p.base() : p.other()).tensor().name();
                List<Node> users = g.consumersOf(weight);
                if (!users.isEmpty() && !users.getFirst().outputs().isEmpty()) {
                    out.put(p, users.getFirst().outputs().getFirst());
                }
            }
            return out;
        }
    }

    private static Map<String, float[]> capture(Path model, LinkedHashSet<String> names, Dataset data, int n) {
        Map<String, float[]> acts = new LinkedHashMap<>();
        Map<String, Integer> filled = new HashMap<>();
        List<Map<String, OnnxTensor>> batches;
        try (OnnxModel m = OnnxModel.open(model, 1)) {
            batches = m.inputBatches(data, n, BATCH);
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("loupe-cka");
            ActivationCapture.run(model, names, batches, dir, (name, t) -> {
                FloatBuffer fb = t.getFloatBuffer();
                long rows = t.getInfo().getShape()[0];
                int perExample = (int) (fb.remaining() / rows);
                float[] all = acts.computeIfAbsent(name, k -> new float[n * perExample]);
                int at = filled.getOrDefault(name, 0);
                fb.get(all, at, fb.remaining());
                filled.put(name, at + (int) rows * perExample);
            });
        } catch (IOException e) {
            throw new LoupeException(model, "cannot create a temporary directory: " + e.getMessage(), e);
        } finally {
            batches.forEach(b -> b.values().forEach(OnnxTensor::close));
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // an empty temporary directory left behind is harmless
                }
            }
        }
        return acts;
    }
}
