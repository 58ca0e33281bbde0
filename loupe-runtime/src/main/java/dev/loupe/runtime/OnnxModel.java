package dev.loupe.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One ONNX model with one ORT session, created once and shared by all batches (ORT sessions are safe for
 * concurrent {@code run}). Parallelism is across batches, with one intra-op thread per batch: for the small
 * models evaluated here that scales better than ORT's intra-op threads, and every batch is computed the same
 * way whatever the thread count, so results do not depend on it. ORT errors come back as LoupeException
 * naming the model file.
 */
public final class OnnxModel implements AutoCloseable {
    private final Path file;
    private final OrtEnvironment env;
    private final ModelSession session;
    private final int threads;

    private OnnxModel(Path file, OrtEnvironment env, ModelSession session, int threads) {
        this.file = file;
        this.env = env;
        this.session = session;
        this.threads = threads;
    }

    /** Opens {@code file} for inference with {@code threads} concurrent batches (>= 1). */
    public static OnnxModel open(Path file, int threads) {
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(file, Files.exists(file) ? "is not a regular file" : "no such file");
        }
        if (threads < 1) {
            throw new LoupeException(file, "--threads must be at least 1, got " + threads);
        }
        return new OnnxModel(file, OrtSessions.environment(), OrtSessions.open(file, SessionSettings.singleThreaded()), threads);
    }

    public Path file() {
        return file;
    }

    public ModelSession session() {
        return session;
    }

    public int threads() {
        return threads;
    }

    /** Runs one batch through a session, returning the named outputs' values (copied out of ORT). */
    public Map<String, Object> run(Map<String, OnnxTensor> inputs) {
        try (OrtSession.Result r = session.run(inputs)) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            r.forEach(e -> {
                try {
                    out.put(e.getKey(), e.getValue().getValue());
                } catch (OrtException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            return out;
        } catch (OrtException e) {
            throw wrap(file, e);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof OrtException oe) {
                throw wrap(file, oe);
            }
            throw e;
        }
    }

    /**
     * Logits {@code [rows][classes]} for every example in {@code data}, in {@code batch}-sized pieces run on
     * {@link #threads()} threads. The example shape must fit the model's single float input (batch dim first).
     */
    public float[][] logits(Dataset data, int batch) {
        if (batch < 1) {
            throw new LoupeException(file, "--batch must be at least 1, got " + batch);
        }
        long[] example = inputExample(data);
        String input = session.getInputNames().iterator().next();
        int rows = data.rows();
        int len = data.rowLength();
        float[][] out = new float[rows][];
        List<Future<?>> jobs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon().unstarted(r))) {
            for (int start = 0; start < rows; start += batch) {
                int from = start;
                int n = Math.min(batch, rows - start);
                jobs.add(pool.submit(() -> {
                    long[] shape = new long[example.length + 1];
                    shape[0] = n;
                    System.arraycopy(example, 0, shape, 1, example.length);
                    FloatBuffer buf = FloatBuffer.wrap(data.features(), from * len, n * len).slice();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, buf, shape)) {
                        Object first = run(Map.of(input, t)).values().iterator().next();
                        if (!(first instanceof float[][] l) || l.length != n) {
                            throw new LoupeException(file, "first output is not float logits [batch, classes]");
                        }
                        System.arraycopy(l, 0, out, from, n);
                    } catch (OrtException e) {
                        throw wrap(file, e);
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return out;
    }

    /** Accuracy and mean cross-entropy of this classifier on labelled {@code data}. */
    public Evaluation evaluate(Dataset data, int batch) {
        if (!data.hasLabels()) {
            throw new LoupeException(data.source(), "evaluation needs labels (--labels)");
        }
        long t0 = System.nanoTime();
        float[][] logits = logits(data, batch);
        int[] y = data.labels();
        int correct = 0;
        double ce = 0;
        int classes = logits.length == 0 ? 0 : logits[0].length;
        for (int i = 0; i < logits.length; i++) {
            float[] l = logits[i];
            if (y[i] >= l.length) {
                throw new LoupeException(data.labelSource(), "label " + y[i] + " of example " + i + " is out of range for a model with "
                        + l.length + " outputs");
            }
            int arg = 0;
            double max = l[0];
            for (int k = 1; k < l.length; k++) {
                if (l[k] > max) {
                    max = l[k];
                    arg = k;
                }
            }
            double sum = 0;
            for (float v : l) {
                sum += Math.exp(v - max);
            }
            ce += max + Math.log(sum) - l[y[i]];
            correct += arg == y[i] ? 1 : 0;
        }
        int n = logits.length;
        return new Evaluation(file.toString(), data.source().toString(), n, correct, (double) correct / n, ce / n, classes,
                batch, threads, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The first {@code rows} examples of {@code data} as batches of at most {@code batch} for this model's one float
     * input (shapes checked as for {@link #logits}); the caller closes the tensors.
     */
    public List<Map<String, OnnxTensor>> inputBatches(Dataset data, int rows, int batch) {
        long[] example = inputExample(data);
        String input = session.getInputNames().iterator().next();
        int len = data.rowLength();
        List<Map<String, OnnxTensor>> out = new ArrayList<>();
        try {
            for (int from = 0; from < Math.min(rows, data.rows()); from += batch) {
                int n = Math.min(batch, Math.min(rows, data.rows()) - from);
                long[] shape = new long[example.length + 1];
                shape[0] = n;
                System.arraycopy(example, 0, shape, 1, example.length);
                FloatBuffer buf = FloatBuffer.wrap(data.features(), from * len, n * len).slice();
                out.add(Map.of(input, OnnxTensor.createTensor(env, buf, shape)));
            }
        } catch (OrtException e) {
            out.forEach(m -> m.values().forEach(OnnxTensor::close));
            throw wrap(file, e);
        }
        return out;
    }

    /** The model input's non-batch dims, taken from the model when fixed, else from the dataset. */
    private long[] inputExample(Dataset data) {
        try {
            if (session.getNumInputs() != 1) {
                throw new LoupeException(file, "has " + session.getNumInputs() + " inputs; evaluation on a dataset needs exactly one");
            }
            NodeInfo info = session.getInputInfo().values().iterator().next();
            if (!(info.getInfo() instanceof TensorInfo ti) || ti.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new LoupeException(file, "input '" + info.getName() + "' is not a float tensor");
            }
            long[] shape = ti.getShape();
            long[] example = Arrays.copyOfRange(shape, 1, shape.length);
            boolean fixed = Arrays.stream(example).allMatch(d -> d > 0);
            if (fixed) {
                long len = Arrays.stream(example).reduce(1, (a, b) -> a * b);
                if (len != data.rowLength()) {
                    throw new LoupeException(data.source(), "examples have " + data.rowLength() + " values " + Arrays.toString(data.exampleShape())
                            + " but model input '" + info.getName() + "' " + Arrays.toString(shape) + " takes " + len);
                }
                return example;
            }
            if (example.length != data.exampleShape().length) {
                throw new LoupeException(data.source(), "example shape " + Arrays.toString(data.exampleShape())
                        + " does not match model input " + Arrays.toString(shape));
            }
            return data.exampleShape();
        } catch (OrtException e) {
            throw wrap(file, e);
        }
    }

    static LoupeException wrap(Path file, OrtException e) {
        return new LoupeException(file, "ONNX Runtime: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        session.close();
    }
}
