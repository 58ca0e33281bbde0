package dev.loupe.landscape.grad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterLayout;
import dev.loupe.landscape.engine.ParameterizedModel;

import java.lang.foreign.Arena;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact loss gradients at any θ: runs the {@link GradientGraph} of a model over the dataset's batches
 * and averages. Thread-safe (each call makes its own weight tensors; ORT sessions allow concurrent runs).
 * A model without data inputs (e.g. a loss written directly in the weights) is run once per point.
 */
public final class GradientEvaluator implements AutoCloseable {
    private final ParameterizedModel model;
    private final OrtEnvironment env = OrtSessions.environment();
    /** The whole graph, run per call; null when {@link #prepared} runs the products instead. */
    private final ModelSession session;
    /** At a fixed point: the tangent-independent work done once, or null. */
    private final PreparedHvp prepared;
    private final LossBatches batches;

    private final boolean hvp;
    /** Directions one batched product takes ({@link #hessianVectorProducts}); 1: none batched. */
    private final int hvpBatch;
    /** The one point the graph's constant weights hold, or null when the weights are inputs. */
    private final float[] at;

    /** @param data may be null for a model without data inputs (then {@code kind} must be MODEL_OUTPUT) */
    public GradientEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int intraOpThreads) {
        this(model, data, kind, batchSize, intraOpThreads, false);
    }

    /**
     * @param hvp also build the tangent pass ({@link HvpGraph}) so that {@link #hessianVectorProduct} works
     *            (about three times the work of a gradient per run)
     */
    public GradientEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int intraOpThreads,
                             boolean hvp) {
        this(model, data, kind, batchSize, intraOpThreads, hvp, null, null, 1);
    }

    /**
     * Gradients and Hessian-vector products at the one point {@code theta} only, with the weights built into the
     * graph as constants: what the Hessian analyses need, and several times faster than weights fed as inputs
     * (measured by {@code loupe bench hessian}). The tangent-independent work (forward and backward passes, the
     * loss and the gradient) runs once here, per batch ({@link HvpSplit}); its tensors stay in memory (up to
     * {@link PreparedHvp#BUDGET}, else the whole graph runs per product).
     *
     * @param profile ONNX Runtime profile file prefix (its JSON trace is written on {@link #endProfiling}); null: none
     */
    public static GradientEvaluator atPoint(ParameterizedModel model, Samples data, LossKind kind, int batchSize,
                                            int intraOpThreads, float[] theta, java.nio.file.Path profile) {
        return atPoint(model, data, kind, batchSize, intraOpThreads, theta, profile, 1);
    }

    /**
     * As {@link #atPoint(ParameterizedModel, Samples, LossKind, int, int, float[], java.nio.file.Path)}, with a second
     * tangent pass taking {@code hvpBatch} directions at once ({@link #hessianVectorProducts}) when it is above 1.
     */
    public static GradientEvaluator atPoint(ParameterizedModel model, Samples data, LossKind kind, int batchSize,
                                            int intraOpThreads, float[] theta, java.nio.file.Path profile, int hvpBatch) {
        if (hvpBatch < 1) {
            throw new IllegalArgumentException("HVP batch " + hvpBatch);
        }
        return new GradientEvaluator(model, data, kind, batchSize, intraOpThreads, true, theta.clone(), profile, hvpBatch);
    }

    private GradientEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int intraOpThreads,
                              boolean hvp, float[] at, java.nio.file.Path profile, int hvpBatch) {
        this.model = model;
        this.hvp = hvp;
        this.at = at;
        this.hvpBatch = hvpBatch;
        int width = LossBatches.width(model, data, kind);
        SessionSettings settings = new SessionSettings(0, 0, true).withIntraOpThreads(intraOpThreads).withProfiling(profile);
        this.batches = LossBatches.read(env, model, data, kind, batchSize, width);
        try {
            PreparedHvp p = null;
            if (at != null) {
                int[] counts = hvpBatch > 1 ? new int[]{1, hvpBatch} : new int[]{1};
                HvpSplit split = new HvpSplit(HvpGraph.builder(model, kind, width, at, counts), model.layout().count(), counts);
                p = PreparedHvp.open(split, model.layout().count(), model.layout().shapes(), batches.feeds(), settings, model.file());
            }
            prepared = p;
            session = p != null ? null
                    : OrtSessions.open(hvp ? HvpGraph.build(model, kind, width, at) : GradientGraph.build(model, kind, width), model.file(), settings);
        } catch (OrtException e) {
            close();
            throw new LoupeException(model.file(), "ONNX Runtime rejected the gradient graph: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public ParameterizedModel model() {
        return model;
    }

    public LossGradient evaluate(float[] theta) {
        ParameterLayout l = model.layout();
        Map<String, OnnxTensor> params = new HashMap<>();
        try (Arena arena = Arena.ofConfined(); Closer closer = new Closer(params)) {
            checkPoint(theta);
            float[] zeros = hvp && prepared == null ? new float[l.size()] : null;
            for (int i = 0; i < l.count(); i++) {
                if (at == null) {
                    params.put(l.names().get(i), tensor(arena, theta, l.offset(i), l.length(i), l.shapes().get(i)));
                }
                if (zeros != null) { // ORT wants every graph input even when only gradient outputs are fetched
                    params.put(HvpGraph.tangentName(i), tensor(arena, zeros, l.offset(i), l.length(i), l.shapes().get(i)));
                }
            }
            double loss = 0;
            double[] grad = new double[l.size()];
            for (int b = 0; b < batches.size(); b++) {
                double w = batches.weight(b);
                if (prepared != null) { // computed once at the point, with the prepared part
                    loss += w * ((OnnxTensor) prepared.prepared(b).get(GradientGraph.LOSS).orElseThrow()).getFloatBuffer().get(0);
                    accumulate(prepared.prepared(b), GradientGraph::gradName, w, grad);
                    continue;
                }
                Map<String, OnnxTensor> feed = new HashMap<>(params);
                feed.putAll(batches.feed(b));
                try (OrtSession.Result r = session.run(feed, gradOutputs())) {
                    loss += w * ((OnnxTensor) r.get(GradientGraph.LOSS).orElseThrow()).getFloatBuffer().get(0);
                    accumulate(r, GradientGraph::gradName, w, grad);
                }
            }
            return new LossGradient(loss, grad);
        } catch (OrtException e) {
            throw new LoupeException(model.file(), "ONNX Runtime failed on the gradient graph: " + e.getMessage(), e);
        }
    }

    /** H·v at θ, exact up to float32 rounding (forward-over-reverse); needs the {@code hvp} constructor flag. */
    public double[] hessianVectorProduct(float[] theta, double[] v) {
        if (!hvp) {
            throw new IllegalStateException("built without the Hessian-vector product graph");
        }
        ParameterLayout l = model.layout();
        // scale v to unit length in float32 and back, so tiny or huge directions keep their precision
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        double[] out = new double[l.size()];
        if (norm == 0) {
            return out;
        }
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / norm);
        }
        Map<String, OnnxTensor> params = new HashMap<>();
        try (Arena arena = Arena.ofConfined(); Closer closer = new Closer(params)) {
            checkPoint(theta);
            for (int i = 0; i < l.count(); i++) {
                if (at == null) {
                    params.put(l.names().get(i), tensor(arena, theta, l.offset(i), l.length(i), l.shapes().get(i)));
                }
                params.put(HvpGraph.tangentName(i), tensor(arena, u, l.offset(i), l.length(i), l.shapes().get(i)));
            }
            for (int b = 0; b < batches.size(); b++) {
                double w = batches.weight(b) * norm;
                if (prepared != null) {
                    try (OrtSession.Result r = prepared.run(1, b, params, hvpOutputs(1))) {
                        accumulate(r, HvpGraph::hvpName, w, out);
                    }
                    continue;
                }
                Map<String, OnnxTensor> feed = new HashMap<>(params);
                feed.putAll(batches.feed(b));
                try (OrtSession.Result r = session.run(feed, hvpOutputs(1))) {
                    accumulate(r, HvpGraph::hvpName, w, out);
                }
            }
            return out;
        } catch (OrtException e) {
            throw new LoupeException(model.file(), "ONNX Runtime failed on the Hessian-vector product graph: " + e.getMessage(), e);
        }
    }

    /** Directions one batched Hessian-vector product takes ({@link #hessianVectorProducts}); 1 when none is built. */
    public int hvpBatch() {
        return prepared != null && prepared.counts().contains(hvpBatch) ? hvpBatch : 1;
    }

    /**
     * H·v for each of {@code vs} at θ, {@link #hvpBatch()} directions per ONNX Runtime run (the forward and backward
     * values shared, the products with them stacked); a last group of fewer runs with zero directions added, or alone
     * when it is one. Each vector is scaled to unit length in float32 and back, as in {@link #hessianVectorProduct}.
     */
    public List<double[]> hessianVectorProducts(float[] theta, List<double[]> vs) {
        int k = hvpBatch();
        List<double[]> out = new ArrayList<>();
        for (int from = 0; from < vs.size(); from += k) {
            List<double[]> group = vs.subList(from, Math.min(vs.size(), from + k));
            if (k == 1 || group.size() == 1) {
                group.forEach(v -> out.add(hessianVectorProduct(theta, v)));
            } else {
                out.addAll(batch(theta, group, k));
            }
        }
        return out;
    }

    /** One run per data batch of the tangent pass of {@code k} directions, on {@code group} (at most k) padded with zeros. */
    private List<double[]> batch(float[] theta, List<double[]> group, int k) {
        checkPoint(theta);
        ParameterLayout l = model.layout();
        int n = l.size();
        double[] norms = new double[group.size()];
        float[] u = new float[k * n]; // [k, n]: direction j's weights at j·n
        for (int j = 0; j < group.size(); j++) {
            double[] v = group.get(j);
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norms[j] = Math.sqrt(norm);
            for (int i = 0; norms[j] > 0 && i < n; i++) {
                u[j * n + i] = (float) (v[i] / norms[j]);
            }
        }
        double[][] out = new double[group.size()][n];
        Map<String, OnnxTensor> params = new HashMap<>();
        try (Arena arena = Arena.ofConfined(); Closer closer = new Closer(params)) {
            for (int i = 0; i < l.count(); i++) { // weight i's k tangents [k, …shape], gathered from each direction
                int len = l.length(i);
                float[] t = new float[k * len];
                for (int j = 0; j < k; j++) {
                    System.arraycopy(u, j * n + l.offset(i), t, j * len, len);
                }
                params.put(HvpGraph.tangentName(i, k), tensor(arena, t, 0, t.length, HvpGraph.withVectors(k, l.shapes().get(i))));
            }
            for (int b = 0; b < batches.size(); b++) {
                try (OrtSession.Result r = prepared.run(k, b, params, hvpOutputs(k))) {
                    float[] chunk = new float[CHUNK];
                    for (int i = 0; i < l.count(); i++) {
                        FloatBuffer fb = ((OnnxTensor) r.get(HvpGraph.hvpName(i, k)).orElseThrow()).getFloatBuffer();
                        int len = l.length(i);
                        for (int j = 0; j < group.size(); j++) {
                            addScaled(fb, j * len, len, batches.weight(b) * norms[j], out[j], l.offset(i), chunk);
                        }
                    }
                }
            }
        } catch (OrtException e) {
            throw new LoupeException(model.file(), "ONNX Runtime failed on the batched Hessian-vector product graph: " + e.getMessage(), e);
        }
        return java.util.Arrays.asList(out);
    }

    /** Adds {@code w} times each weight's output tensor (named by {@code name}) of {@code r} into {@code into}. */
    private void accumulate(OrtSession.Result r, java.util.function.IntFunction<String> name, double w, double[] into) {
        ParameterLayout l = model.layout();
        float[] chunk = new float[CHUNK];
        for (int i = 0; i < l.count(); i++) {
            FloatBuffer fb = ((OnnxTensor) r.get(name.apply(i)).orElseThrow()).getFloatBuffer();
            addScaled(fb, 0, fb.remaining(), w, into, l.offset(i), chunk);
        }
    }

    private static final int CHUNK = 1 << 14;

    /**
     * into[off + q] += w·fb[from + q] for q &lt; len, through bulk copies into {@code chunk}, a loop the JIT vectorizes:
     * reading the buffer an element at a time was a third of MiniLM's Hessian-vector product (22.6 M weights, 32
     * sentences: 1.31 → 0.97 s, {@code loupe bench hessian --text}).
     */
    private static void addScaled(FloatBuffer fb, int from, int len, double w, double[] into, int off, float[] chunk) {
        for (int start = 0; start < len; start += chunk.length) {
            int m = Math.min(chunk.length, len - start);
            fb.get(from + start, chunk, 0, m);
            for (int k = 0; k < m; k++) {
                into[off + start + k] += w * chunk[k];
            }
        }
    }

    private void checkPoint(float[] theta) {
        if (at != null && theta != at && !java.util.Arrays.equals(theta, at)) {
            throw new IllegalArgumentException("this evaluator was built for one point only; got another");
        }
    }

    /** Stops ONNX Runtime's profiler and returns the trace file it wrote (needs a profile prefix). */
    public String endProfiling() {
        try {
            return prepared != null ? prepared.endProfiling() : session.endProfiling();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the per-call tensors before their arena (resources close in reverse order). */
    private record Closer(Map<String, OnnxTensor> tensors) implements AutoCloseable {
        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private java.util.Set<String> gradOutputs() {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        names.add(GradientGraph.LOSS);
        for (int i = 0; i < model.layout().count(); i++) {
            names.add(GradientGraph.gradName(i));
        }
        return names;
    }

    private java.util.Set<String> hvpOutputs(int vectors) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (int i = 0; i < model.layout().count(); i++) {
            names.add(HvpGraph.hvpName(i, vectors));
        }
        return names;
    }

    /**
     * Per-call weights and tangents live in a confined arena freed when the call ends: as garbage-collected
     * direct buffers, two copies of MiniLM's 90 MB of weights per Hessian-vector product piled up to
     * gigabytes before a GC released them.
     */
    private OnnxTensor tensor(Arena arena, float[] src, int off, int len, long[] shape) throws OrtException {
        FloatBuffer fb = arena.allocate((long) len * 4, 64).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(src, off, len).rewind();
        return OnnxTensor.createTensor(env, fb, shape);
    }

    @Override
    public void close() {
        if (prepared != null) {
            prepared.close();
        }
        batches.close();
        if (session != null) {
            session.close();
        }
    }
}
