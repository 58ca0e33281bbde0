package dev.loupe.landscape.engine;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.io.Scratch;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.landscape.onnx.OnnxModelBuilder;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The model as ONNX Runtime optimizes it when its weights are constants, with the optimized weight tensors turned
 * back into inputs that each point fills from θ. Fed as plain graph inputs, weights cost a CNN its fast kernels:
 * ORT's NCHWc transformer reorders a Conv's filter into its blocked layout only when the filter is an initializer, so
 * with inputs every Conv falls back to im2col + GEMM, and MaxPools keep NCHWc behind per-run reorders (measured on the
 * 942k-weight Fashion-MNIST CNN, ORT profiler, 1 thread: 245 ms a pass against 98 ms). ORT's NCHWc Conv reads its
 * filter at run time ({@code contrib_ops/cpu/nchwc_ops.cc}), so a blocked filter may as well be an input.
 *
 * <p>Which element of θ lands where is learnt from ORT itself, not from a copy of its layout rules: the model is
 * optimized twice with the moving weights replaced by tags (element p of θ holds p + 2, then P + 1 − p, exact in
 * float32 while P + 3 ≤ 2^24); every optimized initializer that differs between the two is a moving one, and each of
 * its elements must be 0 in both (padding) or c·tag of the same p in both (a gather, scaled by c when a frozen
 * BatchNormalization was fused into the Conv). Anything else (a sum of two weights, a product of two moving
 * tensors, a graph that differs between the tags) and there is no optimized feed: the caller uses the plain model.
 */
public final class OptimizedFeed {
    private static final int EXACT = 1 << 24;
    private final byte[] model;
    private final List<Feed> feeds;

    /**
     * One optimized weight tensor: element j is {@code scale[j]·θ[from[j]]} (0 where {@code from[j] < 0}); with
     * {@code from == null} it is θ[offset, offset + length) as it stands.
     */
    public record Feed(String name, long[] shape, int length, int offset, int[] from, float[] scale) {
        void fill(float[] theta, FloatBuffer dst) {
            dst.clear();
            if (from == null) {
                dst.put(theta, offset, length);
                return;
            }
            for (int j = 0; j < length; j++) {
                int p = from[j];
                dst.put(j, p < 0 ? 0f : scale == null ? theta[p] : scale[j] * theta[p]);
            }
        }
    }

    private OptimizedFeed(byte[] model, List<Feed> feeds) {
        this.model = model;
        this.feeds = List.copyOf(feeds);
    }

    /** The optimized model: data inputs and {@link #feeds()} as inputs, the model's outputs. */
    public byte[] model() {
        return model;
    }

    public List<Feed> feeds() {
        return feeds;
    }

    /**
     * The optimized feed of {@code m}, where the tensors marked in {@code frozen} (by layout index) stay at θ₀ as
     * constants ORT may fold, or empty when ORT's optimized graph is not a gather of θ (see the class comment).
     */
    public static Optional<OptimizedFeed> of(ParameterizedModel m, boolean[] frozen) {
        ParameterLayout l = m.layout();
        int size = l.size();
        if (size + 3L > EXACT) {
            return Optional.empty();
        }
        float[] tag1 = m.theta0().clone(), tag2 = m.theta0().clone();
        for (int i = 0; i < l.count(); i++) {
            if (!frozen[i]) {
                for (int p = l.offset(i); p < l.offset(i + 1); p++) {
                    tag1[p] = p + 2;
                    tag2[p] = size + 1 - p;
                }
            }
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("loupe-optimized");
            try (Checkpoint c1 = Checkpoints.open(optimize(m, tag1, dir.resolve("tag1.onnx")));
                 Checkpoint c2 = Checkpoints.open(optimize(m, tag2, dir.resolve("tag2.onnx")))) {
                return build(m, c1, c2);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // ORT could not save or we cannot read its graph: the plain model serves
        } finally {
            Scratch.deleteFolderQuietly(dir);
        }
    }

    private static Path optimize(ParameterizedModel m, float[] at, Path out) {
        OnnxModelBuilder b = m.builder(UnaryOperator.identity(), at);
        for (ValueType o : m.outputs()) {
            b.output(o.name(), o.elemType(), o.dims());
        }
        try (ModelSession ignored = OrtSessions.open(b.build(), m.file(), SessionSettings.singleThreaded().optimized().withOptimizedModel(out))) {
            return out; // making the session is what writes the optimized graph
        }
    }

    private static Optional<OptimizedFeed> build(ParameterizedModel m, Checkpoint c1, Checkpoint c2) {
        Graph g1 = c1.graph().orElseThrow(), g2 = c2.graph().orElseThrow();
        if (!shape(g1).equals(shape(g2))) {
            return Optional.empty();
        }
        Map<String, Tensor> second = new HashMap<>();
        c2.tensors().forEach(t -> second.put(t.name(), t));
        int size = m.layout().size();
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        for (String part : c1.metadata().getOrDefault("opset_import", "").split(",")) {
            String[] kv = part.split(":");
            if (kv.length == 2) {
                b.opset(kv[0].equals("ai.onnx") ? "" : kv[0], Long.parseLong(kv[1].trim()));
            }
        }
        for (ValueType v : m.dataInputs()) {
            b.input(v.name(), v.elemType(), v.dims());
        }
        List<Feed> feeds = new ArrayList<>();
        for (Tensor t : c1.tensors()) {
            Tensor u = second.get(t.name());
            if (u == null || u.dtype() != t.dtype() || !Arrays.equals(u.shape(), t.shape())) {
                return Optional.empty();
            }
            byte[] raw = t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
            if (Arrays.equals(raw, u.storedBytes().toArray(ValueLayout.JAVA_BYTE))) {
                b.initializer(t.name(), ParameterizedModel.code(t), raw, t.shape());
                continue;
            }
            if (t.dtype() != DType.F32 || t.numel() > Integer.MAX_VALUE) {
                return Optional.empty();
            }
            Optional<Feed> f = feed(t, u, size);
            if (f.isEmpty()) {
                return Optional.empty();
            }
            feeds.add(f.get());
            b.input(t.name(), OnnxModelBuilder.FLOAT, t.shape());
        }
        g1.nodes().forEach(b::node);
        for (ValueType o : m.outputs()) {
            b.output(o.name(), o.elemType(), o.dims());
        }
        return Optional.of(new OptimizedFeed(b.build(), feeds));
    }

    /** Reads one moving tensor's gather from its two tagged versions, or empty when it is not one. */
    private static Optional<Feed> feed(Tensor t, Tensor u, int size) {
        int n = (int) t.numel();
        float[] x = new float[n], y = new float[n];
        t.readFloats(0, x, 0, n);
        u.readFloats(0, y, 0, n);
        int[] from = new int[n];
        float[] scale = new float[n];
        boolean scaled = false;
        for (int j = 0; j < n; j++) {
            if (x[j] == 0 && y[j] == 0) {
                from[j] = -1;
                continue;
            }
            // x = c·(p + 2), y = c·(size + 1 − p): x + y = c·(size + 3)
            double c = ((double) x[j] + y[j]) / (size + 3.0);
            long p = Math.round(x[j] / c) - 2;
            if (!(c != 0) || p < 0 || p >= size) {
                return Optional.empty();
            }
            double cx = x[j] / (p + 2.0), cy = y[j] / (size + 1.0 - p);
            if (Math.abs(cx - cy) > 1e-6 * Math.abs(cx)) {
                return Optional.empty();
            }
            from[j] = (int) p;
            scale[j] = (float) cx;
            scaled |= scale[j] != 1f;
        }
        boolean contiguous = !scaled && n > 0 && from[0] >= 0;
        for (int j = 1; contiguous && j < n; j++) {
            contiguous = from[j] == from[0] + j;
        }
        return Optional.of(contiguous ? new Feed(t.name(), t.shape(), n, from[0], null, null)
                : new Feed(t.name(), t.shape(), n, 0, from, scaled ? scale : null));
    }

    /** The graph's wiring (ops, domains, value names) without attributes, to compare the two tagged optimizations. */
    private static List<String> shape(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            out.add(n.domain() + ":" + n.opType() + n.inputs() + n.outputs());
        }
        return out;
    }
}
