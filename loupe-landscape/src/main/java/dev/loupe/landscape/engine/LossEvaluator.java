package dev.loupe.landscape.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.core.progress.Progress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/**
 * Evaluates loss (and accuracy) of a {@link ParameterizedModel} on a {@link Samples} at points θ.
 * One ORT session serves every point; the data batches are turned into tensors once. Points run in
 * parallel on {@code threads} workers, each with its own direct weight buffers that ORT reads in place.
 * Results do not depend on the thread count: each point sums its batches in the same order in double.
 *
 * <p>The session runs ORT's own optimized graph with its weights fed in ORT's layout ({@link OptimizedFeed}: NCHWc
 * convolutions as with constant weights) when that graph is a gather of θ and gives the plain graph's outputs at θ₀
 * on the first batch; otherwise the model with its weights as plain inputs ({@link WeightFeed}).
 *
 * <p>Built with directions, it evaluates points θ₀ + Σ cₖ·dₖ by their coordinates ({@link #evaluateAt}); where the
 * first layer is linear in its weights and fed by the data, that layer is computed once per batch per direction
 * ({@link FirstLayerProducts}) and ORT runs only the rest of the graph at each point.
 */
public final class LossEvaluator implements AutoCloseable {
    private final ParameterizedModel model;
    /** The graph ORT runs: the model, or the part after a precomputed first layer. */
    private final ParameterizedModel run;
    private final FirstLayerProducts products;
    private final SubspacePoints points;
    private final Samples data;
    private final LossKind kind;
    private final int threads;
    private final OrtEnvironment env = OrtSessions.environment();
    private final ModelSession session;
    private final List<Batch> batches = new ArrayList<>();
    private final OptimizedFeed optimized;

    /** How the weights reach ONNX Runtime. */
    public enum WeightFeed {
        /** ORT's optimized graph with its (reordered, blocked) weight tensors as inputs, filled from θ per point. */
        OPTIMIZED_LAYOUT,
        /** The model as written, its weights as graph inputs (no constant-weight kernels such as NCHWc Conv). */
        GRAPH_INPUTS
    }

    private record Batch(int index, int from, int count, Map<String, OnnxTensor> x, OnnxTensor y) {
    }

    /** Writes point i's weights (of the graph ORT runs) and returns its coordinates (null: not by coordinates). */
    private interface PointSource {
        double[] fill(int i, float[] theta);
    }

    /**
     * @param batchSize samples per ORT run
     * @param threads   points evaluated at once (each run uses one intra-op thread)
     */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads) {
        this(model, data, kind, batchSize, threads, List.of(), WeightFeed.OPTIMIZED_LAYOUT);
    }

    /** As below, with the first layer precomputed where valid and worth it ({@link FirstLayerProducts.Use#AUTO}). */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads,
                         List<float[]> directions, WeightFeed feed) {
        this(model, data, kind, batchSize, threads, directions, feed, FirstLayerProducts.Use.AUTO);
    }

    /**
     * As above, for points θ₀ + Σ cₖ·dₖ only ({@link #evaluateAt}): a weight tensor that is zero in every direction of
     * {@code directions} stays at θ₀ and is a constant to ORT (BatchNormalization folds into its Conv).
     * {@code feed} asks for a weight feed and {@code firstLayer} for the precomputed first layer;
     * {@link #weightFeed()} and {@link #firstLayer()} say what is used.
     */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads,
                         List<float[]> directions, WeightFeed feed, FirstLayerProducts.Use firstLayer) {
        this.model = model;
        this.data = data;
        this.kind = kind;
        this.threads = Math.max(1, threads);
        if (model.dataInputs().isEmpty()) {
            throw new LoupeException(model.file(), "has no data input");
        }
        if (kind == LossKind.CROSS_ENTROPY && data.labels() == null || kind == LossKind.MSE && data.targets() == null) {
            throw new LoupeException("loss " + kind + " needs " + (kind == LossKind.MSE ? "float targets" : "class labels"));
        }
        int step = Math.max(1, batchSize), n = (data.size() + step - 1) / step;
        int[] from = new int[n], count = new int[n];
        for (int b = 0; b < n; b++) {
            from[b] = b * step;
            count[b] = Math.min(step, data.size() - from[b]);
        }
        products = FirstLayerProducts.of(model, data, directions, from, count, firstLayer).orElse(null);
        run = products == null ? model : products.rest();
        int[] runTensors = products == null ? java.util.stream.IntStream.range(0, model.layout().count()).toArray() : products.tensors();
        points = directions.isEmpty() ? null : new SubspacePoints(model.theta0(), directions, model.layout(), runTensors);
        ModelSession plain = OrtSessions.open(run.forwardModel(), model.file(), SessionSettings.singleThreaded().optimized());
        try {
            for (int b = 0; b < n; b++) {
                batches.add(new Batch(b, from[b], count[b], products != null ? Map.of() : BatchInputs.of(env, model, data, from[b], count[b]),
                        labelsTensor(from[b], count[b])));
            }
        } catch (OrtException e) {
            plain.close();
            close();
            throw new LoupeException(model.file(), "ONNX Runtime rejected the rewritten model: " + e.getMessage(), e);
        }
        boolean[] frozen = frozen(model.layout(), directions), runFrozen = new boolean[runTensors.length];
        for (int i = 0; i < runTensors.length; i++) {
            runFrozen[i] = frozen[runTensors[i]];
        }
        OptimizedFeed opt = feed == WeightFeed.OPTIMIZED_LAYOUT ? OptimizedFeed.of(run, runFrozen).orElse(null) : null;
        ModelSession fast = opt == null ? null : OrtSessions.open(opt.model(), model.file(), SessionSettings.singleThreaded());
        if (fast != null && agree(plain, fast, opt)) {
            plain.close();
            session = fast;
            optimized = opt;
        } else {
            if (fast != null) {
                fast.close();
            }
            session = plain;
            optimized = null;
        }
    }

    /** The weight feed in use. */
    public WeightFeed weightFeed() {
        return optimized != null ? WeightFeed.OPTIMIZED_LAYOUT : WeightFeed.GRAPH_INPUTS;
    }

    /** The first layer computed once per batch, when it is. */
    public java.util.Optional<FirstLayerProducts> firstLayer() {
        return java.util.Optional.ofNullable(products);
    }

    /** Tensors zero in every direction (none without directions). */
    private static boolean[] frozen(ParameterLayout l, List<float[]> directions) {
        boolean[] frozen = new boolean[l.count()];
        for (int i = 0; i < l.count() && !directions.isEmpty(); i++) {
            frozen[i] = true;
            for (float[] d : directions) {
                for (int p = l.offset(i); p < l.offset(i + 1) && frozen[i]; p++) {
                    frozen[i] = d[p] == 0;
                }
            }
        }
        return frozen;
    }

    /**
     * Whether the optimized session gives the plain one's outputs at θ₀ on the first batch, to float32 rounding of
     * reordered sums (a wrong gather gives differences of the order of the outputs themselves).
     */
    private boolean agree(ModelSession plain, ModelSession fast, OptimizedFeed opt) {
        try (Worker p = new Worker(null); Worker f = new Worker(opt)) {
            double[] c = points == null ? null : new double[points.dimensions()];
            float[] a = p.outputs(plain, run.theta0(), c, batches.get(0)), b = f.outputs(fast, run.theta0(), c, batches.get(0));
            double scale = 1, diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            return a.length == b.length && diff <= 1e-4 * scale;
        } catch (RuntimeException e) {
            return false;
        }
    }

    public ParameterizedModel model() {
        return model;
    }

    public Samples data() {
        return data;
    }

    /** Loss at one point (not with a precomputed first layer: see {@link #evaluateAt}). */
    public LossPoint evaluate(float[] theta) {
        requireWholeGraph();
        try (Worker w = new Worker()) {
            return w.evaluate(theta, null);
        }
    }

    /**
     * Loss at {@code count} points; {@code fill.accept(i, theta)} writes point i into a worker's buffer.
     * Progress advances by one per point. Not with a precomputed first layer: see {@link #evaluateAt}.
     */
    public LossPoint[] evaluateAll(int count, BiConsumer<Integer, float[]> fill, Progress progress) {
        requireWholeGraph();
        return evaluate(count, (i, theta) -> {
            fill.accept(i, theta);
            return null;
        }, progress);
    }

    /**
     * Loss at θ₀ + Σ coords[i][k]·dₖ for every i, θ₀ the model's weights and dₖ the directions this evaluator was
     * built with. Progress advances by one per point.
     */
    public LossPoint[] evaluateAt(double[][] coords, Progress progress) {
        if (points == null) {
            throw new IllegalStateException("built without directions: points have no coordinates");
        }
        return evaluate(coords.length, (i, theta) -> {
            points.fill(coords[i], theta);
            return coords[i];
        }, progress);
    }

    private void requireWholeGraph() {
        if (products != null) {
            throw new IllegalStateException("the first layer is precomputed along the directions: evaluate by coordinates");
        }
    }

    private LossPoint[] evaluate(int count, PointSource source, Progress progress) {
        LossPoint[] out = new LossPoint[count];
        int workers = Math.min(threads, Math.max(1, count));
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> futures = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    try (Worker worker = new Worker()) {
                        float[] theta = new float[run.layout().size()];
                        for (int i; (i = next.getAndIncrement()) < count; ) {
                            double[] c = source.fill(i, theta);
                            out[i] = worker.evaluate(theta, c);
                            progress.advance(1);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
        return out;
    }

    /** One worker's weight tensors, backed by direct buffers that are rewritten per point. */
    private final class Worker implements AutoCloseable {
        private final OptimizedFeed feed;
        private final FloatBuffer[] buffers;
        private final Map<String, OnnxTensor> inputs = new HashMap<>();
        /** With a precomputed first layer: its output per batch, rewritten per point, and room to sum it. */
        private final FloatBuffer[] layerOut;
        private final OnnxTensor[] layerTensors;
        private final float[] scratch;

        Worker() {
            this(optimized);
        }

        /** With {@code feed} null: the plain model's inputs, one per weight tensor. */
        Worker(OptimizedFeed feed) {
            this.feed = feed;
            ParameterLayout l = run.layout();
            int n = feed == null ? l.count() : feed.feeds().size();
            buffers = new FloatBuffer[n];
            layerOut = new FloatBuffer[products == null ? 0 : batches.size()];
            layerTensors = new OnnxTensor[layerOut.length];
            scratch = new float[products == null ? 0 : products.length(0)];
            try {
                for (Batch b : products == null ? List.<Batch>of() : batches) {
                    long[] sample = products.sampleShape(), shape = new long[sample.length + 1];
                    shape[0] = b.count();
                    System.arraycopy(sample, 0, shape, 1, sample.length);
                    layerOut[b.index()] = direct(products.length(b.index()));
                    layerTensors[b.index()] = OnnxTensor.createTensor(env, layerOut[b.index()], shape);
                }
                for (int i = 0; i < n; i++) {
                    OptimizedFeed.Feed f = feed == null ? null : feed.feeds().get(i);
                    buffers[i] = direct(f == null ? l.length(i) : f.length());
                    inputs.put(f == null ? l.names().get(i) : f.name(),
                            OnnxTensor.createTensor(env, buffers[i], f == null ? l.shapes().get(i) : f.shape()));
                }
            } catch (OrtException e) {
                close();
                throw new IllegalStateException(e);
            }
        }

        private void load(float[] theta) {
            ParameterLayout l = run.layout();
            for (int i = 0; i < buffers.length; i++) {
                if (feed != null) {
                    feed.feeds().get(i).fill(theta, buffers[i]);
                } else {
                    buffers[i].clear();
                    buffers[i].put(theta, l.offset(i), l.length(i));
                }
            }
        }

        private Map<String, OnnxTensor> feed(Batch b, double[] c) {
            if (products != null) {
                products.combine(b.index(), c, scratch, layerOut[b.index()]);
            }
            Map<String, OnnxTensor> in = new HashMap<>(inputs);
            in.putAll(b.x());
            if (products != null) {
                in.put(run.dataInputs().getFirst().name(), layerTensors[b.index()]);
            }
            if (b.y() != null) {
                in.put(model.dataInputs().get(1).name(), b.y());
            }
            return in;
        }

        /** The first output of session {@code s} on one batch at θ (coordinates c with a precomputed first layer). */
        float[] outputs(ModelSession s, float[] theta, double[] c, Batch b) {
            load(theta);
            try (OrtSession.Result r = s.run(feed(b, c))) {
                return floats(r.get(0));
            } catch (OrtException e) {
                throw new LoupeException(model.file(), "ONNX Runtime failed: " + e.getMessage(), e);
            }
        }

        LossPoint evaluate(float[] theta, double[] c) {
            load(theta);
            double sum = 0;
            int[] correct = new int[1];
            for (Batch b : batches) {
                try (OrtSession.Result r = session.run(feed(b, c))) {
                    float[] out = floats(r.get(0));
                    sum += switch (kind) {
                        case CROSS_ENTROPY -> BatchLoss.crossEntropySum(out, data.labels(), b.from(), b.count(), correct);
                        case MSE -> BatchLoss.mseSum(out, data.targets(), b.from(), b.count(), data.targetWidth());
                        case MODEL_OUTPUT -> (double) out[0] * b.count();
                    };
                } catch (OrtException e) {
                    throw new LoupeException(model.file(), "ONNX Runtime failed: " + e.getMessage(), e);
                }
            }
            double acc = kind == LossKind.CROSS_ENTROPY ? (double) correct[0] / data.size() : Double.NaN;
            return new LossPoint(sum / data.size(), acc);
        }

        @Override
        public void close() {
            inputs.values().forEach(OnnxTensor::close);
            for (OnnxTensor t : layerTensors) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    private OnnxTensor labelsTensor(int from, int count) throws OrtException {
        if (kind != LossKind.MODEL_OUTPUT || model.dataInputs().size() < 2) {
            return null;
        }
        ValueType y = model.dataInputs().get(1);
        if (y.elemType() == 7 && data.labels() != null) {
            LongBuffer lb = ByteBuffer.allocateDirect(count * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
            for (int i = 0; i < count; i++) {
                lb.put(data.labels()[from + i]);
            }
            return OnnxTensor.createTensor(env, lb.rewind(), new long[]{count});
        }
        if (data.targets() != null) {
            FloatBuffer fb = direct(count * data.targetWidth());
            fb.put(data.targets(), from * data.targetWidth(), count * data.targetWidth()).rewind();
            return OnnxTensor.createTensor(env, fb, new long[]{count, data.targetWidth()});
        }
        throw new LoupeException(model.file(), "input '" + y.name() + "' needs int64 labels or float targets");
    }

    static float[] floats(OnnxValue v) {
        FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
    }

    static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() {
        for (Batch b : batches) {
            b.x().values().forEach(OnnxTensor::close);
            if (b.y() != null) {
                b.y().close();
            }
        }
        if (session != null) {
            session.close();
        }
    }
}
