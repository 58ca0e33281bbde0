package dev.loupe.landscape.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.landscape.engine.BatchInputs;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The baseline of the benchmarks: plain forward passes of the unmodified model file (weights as initializers,
 * so ORT applies every optimization, NCHWc convolutions included) over the samples in the same batches.
 */
final class ForwardBaseline {
    private ForwardBaseline() {
    }

    /**
     * Wall and process CPU seconds for {@code passes} full forward passes over the samples, on {@code workers} parallel
     * workers of {@code intraThreads} ONNX Runtime threads each.
     */
    static Span time(ParameterizedModel m, Samples data, int batch, int workers, int intraThreads, int passes) {
        OrtEnvironment env = OrtSessions.environment();
        try {
            try (ModelSession s = OrtSessions.open(m.file(), new SessionSettings(intraThreads, 1, true))) {
                List<Map<String, OnnxTensor>> xs = new ArrayList<>();
                for (int from = 0; from < data.size(); from += batch) {
                    xs.add(BatchInputs.of(env, m, data, from, Math.min(batch, data.size() - from)));
                }
                Runnable pass = () -> {
                    for (Map<String, OnnxTensor> x : xs) {
                        try (OrtSession.Result r = s.run(x)) {
                            r.get(0);
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
                pass.run(); // warm-up
                Span.Start t0 = Span.start();
                try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int i = 0; i < passes; i++) {
                        fs.add(pool.submit(pass));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                }
                Span secs = t0.stop();
                xs.forEach(x -> x.values().forEach(OnnxTensor::close));
                return secs;
            }
        } catch (OrtException e) {
            throw new LoupeException(m.file(), "ONNX Runtime: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
