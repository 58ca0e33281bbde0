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
 * The ONNX Runtime session that computes the loss (and accuracy) of a {@link ParameterizedModel} on a {@link Samples}
 * at points, for {@link LossEvaluator} (any θ) and {@link SliceEvaluator} (points of a slice by their coordinates):
 * the data batches as tensors made once, one session for every point, points in parallel on {@code threads} workers,
 * each with its own direct weight buffers that ORT reads in place. Results do not depend on the thread count: each
 * point sums its batches in the same order in double.
 *
 * <p>The session runs ORT's own optimized graph with its weights fed in ORT's layout ({@link OptimizedFeed}: NCHWc
 * convolutions as with constant weights) when that graph is a gather of θ and gives the plain graph's outputs at θ₀
 * on the first batch; otherwise the model with its weights as plain inputs ({@link WeightFeed}). With directions,
 * where the first layer is linear in its weights and fed by the data, that layer can be computed once per batch per
 * direction ({@link FirstLayerProducts}) and ORT run only the rest of the graph at each point: then the points
 * must come with their coordinates.
 */
final class LossSession implements AutoCloseable {
    private final ParameterizedModel model;
    /** The graph ORT runs: the model, or the part after a precomputed first layer. */
    private final ParameterizedModel run;
    private final FirstLayerProducts products;
    private final Samples data;
    private final LossKind kind;
    private final int threads;
    private final OrtEnvironment env = OrtSessions.environment();
    private final ModelSession session;
    private final List<Batch> batches = new ArrayList<>();
    private final OptimizedFeed optimized;

    private record Batch(int index, int from, int count, Map<String, OnnxTensor> x, OnnxTensor y) {
    }

    /** Writes point i's weights (of the graph ORT runs) and returns its coordinates (null: not by coordinates). */
    interface PointSource {
        double[] fill(int i, float[] theta);
    }

    /**
     * @param batchSize  samples per ORT run
     * @param threads    points evaluated at once (each run uses one intra-op thread)
     * @param directions the slice's directions (empty: points are whole weight vectors); a weight tensor zero in every
     *                   one stays at θ₀ and is a constant to ORT (BatchNormalization folds into its Conv)
     * @param feed       the weight feed asked for ({@link #weightFeed()} says what is used)
     * @param firstLayer whether to precompute the first layer, at most {@code firstLayerBytes} of products
     *                   ({@link #firstLayer()} says whether it is)
     */
    LossSession(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads, List<float[]> directions,
                WeightFeed feed, FirstLayerProducts.Use firstLayer, long firstLayerBytes) {
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
        products = FirstLayerProducts.of(model, data, directions, from, count, firstLayer, firstLayerBytes).orElse(null);
        run = products == null ? model : products.rest();
        int[] runTensors = runTensors();
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
    WeightFeed weightFeed() {
        return optimized != null ? WeightFeed.OPTIMIZED_LAYOUT : WeightFeed.GRAPH_INPUTS;
    }

    /** The first layer computed once per batch, when it is. */
    java.util.Optional<FirstLayerProducts> firstLayer() {
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
            double[] c = products == null ? null : new double[products.directions()];
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

    /** Per weight tensor of the graph ORT runs, its index in the model's layout. */
    int[] runTensors() {
        return products == null ? java.util.stream.IntStream.range(0, model.layout().count()).toArray() : products.tensors();
    }

    /** Weights of one point of the graph ORT runs (the model's, less a precomputed first layer's). */
    int runSize() {
        return run.layout().size();
    }

    /**
     * Loss at {@code count} points; {@code source.fill(i, theta)} writes point i's weights of the graph ORT runs into a
     * worker's buffer and returns its coordinates (needed with a precomputed first layer). Progress advances by one
     * per point.
     */
    LossPoint[] evaluate(int count, PointSource source, Progress progress) {
        LossPoint[] out = new LossPoint[count];
        int workers = Math.min(threads, Math.max(1, count));
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> futures = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    try (Worker worker = new Worker()) {
                        float[] theta = new float[runSize()];
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
