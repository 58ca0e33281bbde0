package dev.loupe.landscape.bench;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.grad.GradientEvaluator;
import dev.loupe.landscape.grad.HvpBatchSize;
import dev.loupe.landscape.grad.MultiplyAdds;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The Hessian hot loop: seconds per Hessian-vector product (and per gradient) over the whole dataset, against
 * plain forward passes of the unmodified model over the same samples in the same batches with the same ONNX
 * Runtime threads, measured in the same run (half of the forward passes before, half after, so a load that
 * drifts on a shared machine weighs on both sides). A reverse-over-forward HVP costs about 4–6 forward passes
 * in theory (Pearlmutter 1994; Griewank & Walther, "Evaluating Derivatives", 2008, §3.3); at a fixed point the
 * tangent-independent part is done once ({@code prepareSeconds}) and a product pays for the tangent passes only.
 */
public final class HessianBenchmark {
    private HessianBenchmark() {
    }

    /**
     * Wall and process CPU seconds: {@code forward} per forward pass, {@code gradient} per gradient (at any point,
     * weights fed as inputs), {@code prepare} once per point (building the HVP graph and running its
     * tangent-independent part), {@code hvp} per Hessian-vector product at the point.
     *
     * @param profile ONNX Runtime's trace of the HVP runs, or null
     * @param macs     the model's multiply-adds per sample in a forward pass and in an HVP's tangent passes, or null
     *                 when not statically known: the floor of {@link #hvpRatio} at equal speed per multiply-add
     */
    public record Result(int samples, int batch, int threads, int forwardPasses, Span forward, int gradients,
                         Span gradient, Span prepare, int hvps, Span hvp, String profile, MultiplyAdds.Counts macs,
                         java.util.List<Batched> batched, int defaultBatch) {
        public double forwardSeconds() {
            return forward.wall();
        }

        public double gradientSeconds() {
            return gradient.wall();
        }

        public double prepareSeconds() {
            return prepare.wall();
        }

        public double hvpSeconds() {
            return hvp.wall();
        }

        /** HVP ÷ forward pass in wall time; {@link #hvpCpuRatio} in CPU time. */
        public double hvpRatio() {
            return hvp.wall() / forward.wall();
        }

        public double hvpCpuRatio() {
            return hvp.cpu() / forward.cpu();
        }

        public double gradientRatio() {
            return gradient.wall() / forward.wall();
        }

        public double prepareRatio() {
            return prepare.wall() / forward.wall();
        }
    }

    /**
     * Batched products: {@code k} directions per ONNX Runtime run, {@code products} of them timed (whole runs),
     * {@code perVector} the wall and CPU seconds per direction, {@code prepare} the setup (graph with both passes).
     */
    /** @param macs as {@link Result#macs}, per direction in passes of {@code k} directions */
    public record Batched(int k, int products, Span perVector, Span prepare, String profile, MultiplyAdds.Counts macs) {
    }

    public static Result run(ParameterizedModel m, Samples data, LossKind kind, int batch, int threads, int hvps, Path profile) {
        return run(m, data, kind, batch, threads, hvps, profile, new int[0], Progress.NONE);
    }

    /**
     * @param batches  direction counts (above 1) to time batched products at, after the single ones
     * @param progress advanced once per phase: the forward passes before, the gradients, the single products, each
     *                 batched count, the forward passes after
     */
    public static Result run(ParameterizedModel m, Samples data, LossKind kind, int batch, int threads, int hvps, Path profile,
                             int[] batches, Progress progress) {
        progress.start("bench hessian", 4 + batches.length);
        try {
            return timed(m, data, kind, batch, threads, hvps, profile, batches, progress);
        } finally {
            progress.done();
        }
    }

    private static Result timed(ParameterizedModel m, Samples data, LossKind kind, int batch, int threads, int hvps, Path profile,
                                int[] batches, Progress progress) {
        int passes = Math.max(4, 2 * hvps);
        Span fwd = ForwardBaseline.time(m, data, batch, 1, threads, passes / 2);
        progress.advance(1);
        Span grad, hvp, prep;
        String trace = null;
        float[] theta = m.theta0();
        int grads = Math.max(2, hvps / 2);
        try (GradientEvaluator g = new GradientEvaluator(m, data, kind, batch, threads)) {
            g.evaluate(theta); // warm-up: ORT arenas, JIT
            Span.Start t0 = Span.start();
            for (int i = 0; i < grads; i++) {
                g.evaluate(theta);
            }
            grad = t0.stop().per(grads);
        }
        progress.advance(1);
        Span.Start t0 = Span.start();
        try (GradientEvaluator g = GradientEvaluator.atPoint(m, data, kind, batch, threads, theta, profile)) {
            prep = t0.stop();
            SplittableRandom rnd = new SplittableRandom(0);
            double[] v = new double[theta.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextGaussian();
            }
            g.hessianVectorProduct(theta, v); // warm-up
            t0 = Span.start();
            for (int i = 0; i < hvps; i++) {
                v = g.hessianVectorProduct(theta, v);
            }
            hvp = t0.stop().per(hvps);
            if (profile != null) {
                trace = g.endProfiling();
            }
        }
        progress.advance(1);
        java.util.List<Batched> timed = new java.util.ArrayList<>();
        for (int k : batches) {
            timed.add(batched(m, data, kind, batch, threads, hvps, k,
                    profile == null ? null : profile.resolveSibling(profile.getFileName() + "_k" + k)));
            progress.advance(1);
        }
        fwd = fwd.plus(ForwardBaseline.time(m, data, batch, 1, threads, passes - passes / 2));
        progress.advance(1);
        return new Result(data.size(), batch, threads, passes, fwd.per(passes), grads, grad, prep, hvps, hvp, trace,
                MultiplyAdds.of(m).orElse(null), java.util.List.copyOf(timed), HvpBatchSize.of(m, batch));
    }

    /** At least {@code hvps} products in runs of {@code k} independent Gaussian directions (each run's outputs the next run's directions). */
    private static Batched batched(ParameterizedModel m, Samples data, LossKind kind, int batch, int threads, int hvps, int k,
                                   Path profile) {
        float[] theta = m.theta0();
        Span.Start t0 = Span.start();
        try (GradientEvaluator g = GradientEvaluator.atPoint(m, data, kind, batch, threads, theta, profile, k)) {
            Span prep = t0.stop();
            SplittableRandom rnd = new SplittableRandom(k);
            java.util.List<double[]> vs = new java.util.ArrayList<>();
            for (int j = 0; j < k; j++) {
                double[] v = new double[theta.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rnd.nextGaussian();
                }
                vs.add(v);
            }
            g.hessianVectorProducts(theta, vs); // warm-up
            int runs = Math.max(1, (hvps + k - 1) / k);
            t0 = Span.start();
            for (int r = 0; r < runs; r++) {
                vs = g.hessianVectorProducts(theta, vs);
            }
            Span per = t0.stop().per(runs * k);
            return new Batched(k, runs * k, per, prep, profile == null ? null : g.endProfiling(), MultiplyAdds.of(m, k).orElse(null));
        }
    }
}
