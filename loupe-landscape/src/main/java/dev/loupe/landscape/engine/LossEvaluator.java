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
 */
public final class LossEvaluator implements AutoCloseable {
    private final ParameterizedModel model;
    private final Samples data;
    private final LossKind kind;
    private final int threads;
    private final OrtEnvironment env = OrtSessions.environment();
    private final ModelSession session;
    private final List<Batch> batches = new ArrayList<>();

    private record Batch(int from, int count, Map<String, OnnxTensor> x, OnnxTensor y) {
    }

    /**
     * @param batchSize samples per ORT run
     * @param threads   points evaluated at once (each run uses one intra-op thread)
     */
    public LossEvaluator(ParameterizedModel model, Samples data, LossKind kind, int batchSize, int threads) {
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
        session = OrtSessions.open(model.forwardModel(), model.file(), SessionSettings.singleThreaded().optimized());
        try {
            for (int from = 0; from < data.size(); from += Math.max(1, batchSize)) {
                int count = Math.min(Math.max(1, batchSize), data.size() - from);
                batches.add(new Batch(from, count, BatchInputs.of(env, model, data, from, count), labelsTensor(from, count)));
            }
        } catch (OrtException e) {
            close();
            throw new LoupeException(model.file(), "ONNX Runtime rejected the rewritten model: " + e.getMessage(), e);
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
        private final FloatBuffer[] buffers;
        private final Map<String, OnnxTensor> inputs = new HashMap<>();

        Worker() {
            ParameterLayout l = model.layout();
            buffers = new FloatBuffer[l.count()];
            try {
                for (int i = 0; i < l.count(); i++) {
                    buffers[i] = direct(l.length(i));
                    inputs.put(l.names().get(i), OnnxTensor.createTensor(env, buffers[i], l.shapes().get(i)));
                }
            } catch (OrtException e) {
                close();
                throw new IllegalStateException(e);
            }
        }

        LossPoint evaluate(float[] theta) {
            ParameterLayout l = model.layout();
            for (int i = 0; i < l.count(); i++) {
                buffers[i].clear();
                buffers[i].put(theta, l.offset(i), l.length(i));
            }
            double sum = 0;
            int[] correct = new int[1];
            Map<String, OnnxTensor> feed = new HashMap<>(inputs);
            for (Batch b : batches) {
                feed.putAll(b.x());
                if (b.y() != null) {
                    feed.put(model.dataInputs().get(1).name(), b.y());
                }
                try (OrtSession.Result r = session.run(feed)) {
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
