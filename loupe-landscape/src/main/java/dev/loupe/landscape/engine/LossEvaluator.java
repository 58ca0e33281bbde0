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
 */
public final class LossEvaluator implements AutoCloseable {
    private final ParameterizedModel model;
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

    private record Batch(int from, int count, Map<String, OnnxTensor> x, OnnxTensor y) {
    }

    /**
     * @param batchSize samples per ORT run
     * @param threads   points evaluated at once (each run uses one intra-op thread)
     */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads) {
        this(model, data, kind, batchSize, threads, List.of(), WeightFeed.OPTIMIZED_LAYOUT);
    }

    /**
     * As above, for points θ₀ + Σ cₖ·dₖ only: a weight tensor that is zero in every direction of {@code directions}
     * stays at θ₀ and is a constant to ORT (BatchNormalization folds into its Conv), and {@code theta} passed in must
     * hold θ₀ there. {@code feed} asks for a weight feed; {@link #weightFeed()} says which one is used.
     */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads,
                         List<float[]> directions, WeightFeed feed) {
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
        ModelSession plain = OrtSessions.open(model.forwardModel(), model.file(), SessionSettings.singleThreaded().optimized());
        try {
            for (int from = 0; from < data.size(); from += Math.max(1, batchSize)) {
                int count = Math.min(Math.max(1, batchSize), data.size() - from);
                batches.add(new Batch(from, count, BatchInputs.of(env, model, data, from, count), labelsTensor(from, count)));
            }
        } catch (OrtException e) {
            plain.close();
            close();
            throw new LoupeException(model.file(), "ONNX Runtime rejected the rewritten model: " + e.getMessage(), e);
        }
        OptimizedFeed opt = feed == WeightFeed.OPTIMIZED_LAYOUT ? OptimizedFeed.of(model, frozen(model.layout(), directions)).orElse(null) : null;
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
            float[] a = p.outputs(plain, model.theta0(), batches.get(0)), b = f.outputs(fast, model.theta0(), batches.get(0));
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

    /** Loss at one point. */
    public LossPoint evaluate(float[] theta) {
        try (Worker w = new Worker()) {
            return w.evaluate(theta);
        }
    }

    /**
     * Loss at {@code count} points; {@code fill.accept(i, theta)} writes point i into a worker's buffer.
     * Progress advances by one per point.
     */
    public LossPoint[] evaluateAll(int count, BiConsumer<Integer, float[]> fill, Progress progress) {
        LossPoint[] out = new LossPoint[count];
        int workers = Math.min(threads, Math.max(1, count));
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> futures = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    try (Worker worker = new Worker()) {
                        float[] theta = new float[model.layout().size()];
                        for (int i; (i = next.getAndIncrement()) < count; ) {
                            fill.accept(i, theta);
                            out[i] = worker.evaluate(theta);
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

        Worker() {
            this(optimized);
        }

        /** With {@code feed} null: the plain model's inputs, one per weight tensor. */
        Worker(OptimizedFeed feed) {
            this.feed = feed;
            ParameterLayout l = model.layout();
            int n = feed == null ? l.count() : feed.feeds().size();
            buffers = new FloatBuffer[n];
            try {
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
            ParameterLayout l = model.layout();
            for (int i = 0; i < buffers.length; i++) {
                if (feed != null) {
                    feed.feeds().get(i).fill(theta, buffers[i]);
                } else {
                    buffers[i].clear();
                    buffers[i].put(theta, l.offset(i), l.length(i));
                }
            }
        }

        private Map<String, OnnxTensor> feed(Batch b) {
            Map<String, OnnxTensor> in = new HashMap<>(inputs);
            in.putAll(b.x());
            if (b.y() != null) {
                in.put(model.dataInputs().get(1).name(), b.y());
            }
            return in;
        }

        /** The first output of session {@code s} on one batch at θ. */
        float[] outputs(ModelSession s, float[] theta, Batch b) {
            load(theta);
            try (OrtSession.Result r = s.run(feed(b))) {
                return floats(r.get(0));
            } catch (OrtException e) {
                throw new LoupeException(model.file(), "ONNX Runtime failed: " + e.getMessage(), e);
            }
        }

        LossPoint evaluate(float[] theta) {
            load(theta);
            double sum = 0;
            int[] correct = new int[1];
            for (Batch b : batches) {
                try (OrtSession.Result r = session.run(feed(b))) {
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
