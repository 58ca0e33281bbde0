package dev.loupe.landscape.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hessian-vector products at one point with the tangent-independent work done once ({@link HvpSplit}): the
 * prepared model runs once per batch when this is made, its outputs stay in ONNX Runtime's memory and are fed,
 * without copies, to the per-vector model on every product. The loss and gradient at the point come with them.
 */
final class PreparedHvp implements AutoCloseable {
    /**
     * Most bytes the kept tensors may take over all batches (activations, masks, backward values: several times a
     * forward pass's; with the pooled routes' Q and M about 2.2 GB on the fixture CNN's 1,000 images); above it the
     * whole graph runs per product instead. A quarter of the machine's memory, 2 to 4 GB.
     */
    static final long BUDGET = HvpBatchSize.quarterOfMemory(2L << 30, 4L << 30);

    /** One session per tangent pass, by its vector count. */
    private final Map<Integer, ModelSession> perVector = new java.util.TreeMap<>();
    private final List<OrtSession.Result> kept = new ArrayList<>();
    private final List<Map<String, OnnxTensor>> feeds = new ArrayList<>();

    private PreparedHvp() {
    }

    /**
     * Runs the prepared part on every batch; null when its tensors would exceed {@link #BUDGET} (judged from the
     * first batch), so the caller keeps the whole graph.
     */
    static PreparedHvp open(HvpSplit split, int params, List<long[]> tangentShapes, List<Map<String, OnnxTensor>> batches,
                            SessionSettings settings, Path file) throws OrtException {
        Map<String, long[]> types = new HashMap<>();
        List<OrtSession.Result> results = new ArrayList<>();
        try (ModelSession prep = OrtSessions.open(split.prepared(params), file, settings.withProfiling(null))) {
            for (Map<String, OnnxTensor> batch : batches) {
                Map<String, OnnxTensor> in = new HashMap<>(batch);
                in.keySet().retainAll(prep.getInputNames());
                OrtSession.Result r = prep.run(in);
                results.add(r);
                if (results.size() == 1) {
                    long bytes = 0;
                    for (String f : split.frontier()) {
                        if (!split.isDataInput(f)) {
                            TensorInfo t = ((OnnxTensor) r.get(f).orElseThrow()).getInfo();
                            types.put(f, new long[]{onnxCode(t), t.getShape().length});
                            bytes += t.getNumElements() * Math.max(1, t.type.size);
                        }
                    }
                    if (bytes * batches.size() > BUDGET) {
                        results.forEach(OrtSession.Result::close);
                        return null;
                    }
                }
            }
        } catch (OrtException | RuntimeException e) {
            results.forEach(OrtSession.Result::close);
            throw e;
        }
        PreparedHvp p = new PreparedHvp();
        try {
            int last = split.counts().stream().mapToInt(Integer::intValue).max().orElseThrow();
            for (int k : split.counts()) { // only the pass of most directions profiles: one trace file
                SessionSettings s = k == last ? settings : settings.withProfiling(null);
                p.perVector.put(k, OrtSessions.open(split.perVector(k, params, types, tangentShapes), file, s));
            }
        } catch (RuntimeException e) {
            results.forEach(OrtSession.Result::close);
            p.perVector.values().forEach(ModelSession::close);
            throw e;
        }
        for (int b = 0; b < batches.size(); b++) {
            Map<String, OnnxTensor> feed = new HashMap<>(batches.get(b));
            for (String f : split.frontier()) {
                if (!split.isDataInput(f)) {
                    feed.put(f, (OnnxTensor) results.get(b).get(f).orElseThrow());
                }
            }
            p.feeds.add(feed);
            p.kept.add(results.get(b));
        }
        return p;
    }

    /** The ONNX TensorProto data type of a tensor ORT made (TensorInfo's own codes are ORT's C enum, not ONNX's). */
    private static int onnxCode(TensorInfo t) {
        return switch (t.type) {
            case FLOAT -> 1;
            case UINT8 -> 2;
            case INT8 -> 3;
            case INT16 -> 5;
            case INT32 -> 6;
            case INT64 -> 7;
            case BOOL -> 9;
            case FLOAT16 -> 10;
            case DOUBLE -> 11;
            default -> throw new IllegalStateException("no ONNX type for " + t.type);
        };
    }

    /** The vector counts of the tangent passes. */
    Set<Integer> counts() {
        return perVector.keySet();
    }

    /** Runs the tangent pass of {@code vectors} directions on batch {@code b} with the given tangents; the caller closes the result. */
    OrtSession.Result run(int vectors, int b, Map<String, OnnxTensor> tangents, Set<String> outputs) throws OrtException {
        ModelSession s = perVector.get(vectors);
        Set<String> wanted = s.getInputNames();
        Map<String, OnnxTensor> feed = new HashMap<>();
        feeds.get(b).forEach((k, v) -> {
            if (wanted.contains(k)) {
                feed.put(k, v);
            }
        });
        tangents.forEach((k, v) -> {
            if (wanted.contains(k)) {
                feed.put(k, v);
            }
        });
        return s.run(feed, outputs);
    }

    /** The prepared part's outputs of batch {@code b} (the loss and gradient names of {@link GradientGraph}). */
    OrtSession.Result prepared(int b) {
        return kept.get(b);
    }

    String endProfiling() throws OrtException {
        return ((java.util.TreeMap<Integer, ModelSession>) perVector).lastEntry().getValue().endProfiling();
    }

    @Override
    public void close() {
        kept.forEach(OrtSession.Result::close);
        perVector.values().forEach(ModelSession::close);
    }
}
