package dev.loupe.compress.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.compress.calibrate.ActivationNorms;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.compress.calibrate.InputGram;
import dev.loupe.compress.layers.Layer;
import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.progress.Progress;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.TextFeed;
import dev.loupe.runtime.text.WordPieceTokenizer;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calibration: the first {@code samples} examples of the calibration features ({@link EvalData#calibrationFeatures()}:
 * {@code --calibration-data}, else the evaluation data) or sentences of the text are run through the model in ONNX Runtime and each layer's input-channel norms ({@link ActivationNorms}, Wanda) or XᵀX
 * ({@link InputGram}, GPTQ and SparseGPT) collected.
 */
final class Calibration {
    private static final int BATCH = 64;

    private Calibration() {
    }

    static Map<String, double[]> norms(Path model, List<Layer> layers, EvalData data, int samples, Progress progress) {
        return withBatches(model, data, samples, (batches, dir) -> ActivationNorms.collect(model, layers,
                counted("calibration (Wanda norms)", batches, progress), dir));
    }

    /** Each layer's XᵀX over the same calibration examples (GPTQ, SparseGPT). */
    static Map<String, InputGram.Gram> grams(Path model, List<Layer> layers, EvalData data, int samples, Progress progress) {
        return withBatches(model, data, samples, (batches, dir) -> InputGram.collect(model, layers,
                counted("calibration (XᵀX)", batches, progress), dir));
    }

    /** The batches, reporting each one ONNX Runtime takes to {@code progress} (started at the first, done after the last). */
    private static <T> Iterable<T> counted(String task, List<T> batches, Progress progress) {
        return () -> {
            progress.start(task + ": " + batches.size() + " batches", batches.size());
            Iterator<T> it = batches.iterator();
            return new Iterator<>() { // a batch is done when the next one is asked for, the last when there is none
                private boolean taken;
                private boolean finished;

                @Override
                public boolean hasNext() {
                    boolean more = it.hasNext();
                    if (!more && !finished) {
                        finished = true;
                        if (taken) {
                            progress.advance(1);
                        }
                        progress.done();
                    }
                    return more;
                }

                @Override
                public T next() {
                    if (taken) {
                        progress.advance(1);
                    }
                    taken = true;
                    return it.next();
                }
            };
        };
    }

    private static <T> T withBatches(Path model, EvalData data, int samples,
                                     java.util.function.BiFunction<List<Map<String, OnnxTensor>>, Path, T> use) {
        OrtEnvironment env = OrtSessions.environment();
        List<Map<String, OnnxTensor>> batches = new ArrayList<>();
        try {
            if (data.calibrationFeatures() != null) {
                Dataset d = Datasets.read(data.calibrationFeatures(), null); // features only: calibration never reads labels
                String input = firstInput(env, model);
                long[] example = example(env, model, d);
                int n = Math.min(samples, d.rows());
                int len = d.rowLength();
                for (int from = 0; from < n; from += BATCH) {
                    int k = Math.min(BATCH, n - from);
                    long[] shape = new long[example.length + 1];
                    shape[0] = k;
                    System.arraycopy(example, 0, shape, 1, example.length);
                    FloatBuffer b = FloatBuffer.wrap(Arrays.copyOfRange(d.features(), from * len, (from + k) * len));
                    batches.add(Map.of(input, OnnxTensor.createTensor(env, b, shape)));
                }
            } else {
                WordPieceTokenizer t = EncoderConfig.resolve(model, data.encoder()).wordPiece();
                Set<String> inputs = inputs(env, model);
                TextFeed.requireEncoder(model, inputs);
                List<String> s = data.sentences();
                for (String sentence : s.subList(0, Math.min(samples, s.size()))) {
                    batches.add(TextFeed.of(env, List.of(t.encode(sentence)), inputs));
                }
            }
            Path dir = java.nio.file.Files.createTempDirectory("loupe-calibrate");
            try {
                return use.apply(batches, dir);
            } finally {
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (java.io.IOException e) {
            throw new LoupeException(model, "cannot create a temporary directory for calibration: " + e.getMessage(), e);
        } catch (OrtException e) {
            throw new LoupeException(model, "ONNX Runtime: " + e.getMessage(), e);
        } finally {
            batches.forEach(m -> m.values().forEach(OnnxTensor::close));
        }
    }

    /** The model's non-batch input dims when all are fixed (e.g. [1, 28, 28] for [28, 28] images), else the data's. */
    private static long[] example(OrtEnvironment env, Path model, Dataset d) throws OrtException {
        try (ModelSession s = OrtSessions.open(model, SessionSettings.defaults())) {
            var info = s.getInputInfo().values().iterator().next().getInfo();
            if (info instanceof ai.onnxruntime.TensorInfo t && t.getShape().length >= 2) {
                long[] dims = Arrays.copyOfRange(t.getShape(), 1, t.getShape().length);
                long n = 1;
                for (long x : dims) {
                    n = x > 0 ? n * x : -1;
                    if (n < 0) {
                        break;
                    }
                }
                if (n == d.rowLength()) {
                    return dims;
                }
            }
            return d.exampleShape();
        }
    }

    private static String firstInput(OrtEnvironment env, Path model) throws OrtException {
        return inputs(env, model).iterator().next();
    }

    private static Set<String> inputs(OrtEnvironment env, Path model) throws OrtException {
        try (ModelSession s = OrtSessions.open(model, SessionSettings.defaults())) {
            return new java.util.LinkedHashSet<>(s.getInputNames());
        }
    }
}
