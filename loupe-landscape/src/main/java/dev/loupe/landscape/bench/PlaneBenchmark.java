package dev.loupe.landscape.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.loupe.core.LoupeException;
import dev.loupe.runtime.session.ModelSession;
import dev.loupe.runtime.session.OrtSessions;
import dev.loupe.runtime.session.SessionSettings;
import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.direction.Directions;
import dev.loupe.landscape.engine.BatchInputs;
import dev.loupe.landscape.engine.LossEvaluator;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.slice.Grid;
import dev.loupe.landscape.slice.Slices;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The loss-landscape hot loop: a grid×grid plane (Li et al. directions) on a model and dataset,
 * points per second, against a baseline measured in the same run: plain forward passes of the
 * unmodified model (weights as initializers) over the same samples in the same batches, with the
 * same number of parallel workers. Ratio 1 would mean a plane point costs exactly one forward pass.
 *
 * <p>Expect well below 1 on CNNs: ORT's NCHWc convolution layout (ALL_OPT) needs constant weights, so it
 * applies to the baseline but not to the weights-as-inputs model; measured on the reference CNN it makes
 * the plain forward pass about 5× faster than the same model at EXTENDED_OPT.
 */
public final class PlaneBenchmark {
    private PlaneBenchmark() {
    }

    public record Result(int points, double seconds, double pointsPerSecond, int baselinePasses,
                         double baselineSeconds, double passesPerSecond, double ratio, int samples, int threads,
                         double centreLoss) {
    }

    public static Result run(ParameterizedModel m, Samples data, int grid, int batch, int threads) {
        double[] axis = Grid.linspace(-1, 1, grid);
        float[] d1 = Directions.filterNormalized(m.layout(), m.theta0(), 0);
        float[] d2 = Directions.filterNormalized(m.layout(), m.theta0(), 1);
        try (LossEvaluator ev = new LossEvaluator(m, data, LossKind.CROSS_ENTROPY, batch, threads)) {
            // warm-up: JIT and ORT arenas, a few points
            Slices.sample(ev, m.theta0(), List.of(d1, d2), new double[threads * 2][2], Progress.NONE);
            // the baseline runs before and after the plane, so a load that drifts during the run (shared
            // machines) weighs on both sides alike
            int half = Math.max(threads * 4, 20);
            double base = baseline(m, data, batch, threads, half);
            long t0 = System.nanoTime();
            var pts = Slices.plane(ev, m.theta0(), d1, d2, axis, axis, Progress.NONE);
            double secs = (System.nanoTime() - t0) / 1e9;
            base += baseline(m, data, batch, threads, half);
            int baseCount = 2 * half;
            double pps = pts.length / secs;
            double fps = baseCount / base;
            return new Result(pts.length, secs, pps, baseCount, base, fps, pps / fps, data.size(), threads,
                    pts[(grid / 2) * grid + grid / 2].loss());
        }
    }

    /** Seconds for {@code passes} full forward passes of the original model over the samples, on {@code threads} workers. */
    private static double baseline(ParameterizedModel m, Samples data, int batch, int threads, int passes) {
        OrtEnvironment env = OrtSessions.environment();
        try {
            try (ModelSession s = OrtSessions.open(m.file(), SessionSettings.singleThreaded().optimized())) {
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
                long t0 = System.nanoTime();
                try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
                    List<Future<?>> fs = new ArrayList<>();
                    for (int i = 0; i < passes; i++) {
                        fs.add(pool.submit(pass));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
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
