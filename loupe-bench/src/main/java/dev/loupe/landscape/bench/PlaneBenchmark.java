package dev.loupe.landscape.bench;

import dev.loupe.core.progress.Progress;
import dev.loupe.landscape.direction.Directions;
import dev.loupe.landscape.engine.FirstLayerProducts;
import dev.loupe.landscape.engine.SliceEvaluator;
import dev.loupe.landscape.engine.WeightFeed;
import dev.loupe.landscape.engine.LossKind;
import dev.loupe.landscape.engine.ParameterizedModel;
import dev.loupe.landscape.engine.Samples;
import dev.loupe.landscape.slice.Grid;
import dev.loupe.landscape.slice.Slices;

import java.util.List;

/**
 * The loss-landscape hot loop: a grid×grid plane (Li et al. directions) on a model and dataset,
 * points per second, against a baseline measured in the same run: plain forward passes of the
 * unmodified model (weights as initializers) over the same samples in the same batches, with the
 * same number of parallel workers. Ratio 1 would mean a plane point costs exactly one forward pass.
 *
 * <p>Both sides use one ONNX Runtime thread per worker and the same data tensors. The baseline's model has constant
 * weights, so ORT reorders its Conv filters for NCHWc kernels once; the plane feeds the weights per point, either
 * in ORT's optimized layout ({@link WeightFeed#OPTIMIZED_LAYOUT}, NCHWc kernels too) or as the plain
 * graph's inputs ({@link WeightFeed#GRAPH_INPUTS}, im2col convolutions: 0.38–0.57 of the baseline
 * on the Fashion-MNIST CNN). Each plane point also builds θ₀ + x·d₁ + y·d₂ and its cross-entropy, which the
 * baseline does not. Where the first layer is data-fed and linear in its moving weights, the plane computes its three
 * products once per batch ({@link FirstLayerProducts}) and runs only the rest of the graph per point; the baseline
 * stays the whole model.
 */
public final class PlaneBenchmark {
    private PlaneBenchmark() {
    }

    /** Wall and process CPU seconds of the plane and of the baseline; ratios of points/s to passes/s in each. */
    public record Result(Span setup, int points, Span plane, int baselinePasses, Span baseline, int samples, int threads,
                         double centreLoss, WeightFeed feed, java.util.Optional<FirstLayerProducts> firstLayer) {
        public double ratio() {
            return points / plane.wall() / (baselinePasses / baseline.wall());
        }

        public double cpuRatio() {
            return points / plane.cpu() / (baselinePasses / baseline.cpu());
        }
    }

    public static Result run(ParameterizedModel m, Samples data, int grid, int batch, int threads,
                             WeightFeed feed, FirstLayerProducts.Use firstLayer) {
        double[] axis = Grid.linspace(-1, 1, grid);
        float[] d1 = Directions.filterNormalized(m.layout(), m.theta0(), 0);
        float[] d2 = Directions.filterNormalized(m.layout(), m.theta0(), 1);
        Span.Start made = Span.start();
        try (SliceEvaluator ev = new SliceEvaluator(m, data, LossKind.CROSS_ENTROPY, batch, threads, List.of(d1, d2), feed, firstLayer)) {
            Span setup = made.stop();
            // warm-up: JIT and ORT arenas, a few points
            Slices.sample(ev, new double[threads * 2][2], Progress.NONE);
            // the baseline runs before and after the plane, so a load that drifts during the run (shared machines)
            // weighs on both sides alike; each half lasts at least a second, else a fast model's baseline is a few
            // milliseconds of noise
            int half = Math.max(threads * 4, 20);
            Span base = ForwardBaseline.time(m, data, batch, threads, 1, half);
            if (base.wall() < 1) {
                half = (int) Math.min(100_000, Math.ceil(half / Math.max(base.wall(), 1e-3)));
                base = ForwardBaseline.time(m, data, batch, threads, 1, half);
            }
            Span.Start t0 = Span.start();
            var pts = Slices.plane(ev, axis, axis, Progress.NONE);
            Span plane = t0.stop();
            base = base.plus(ForwardBaseline.time(m, data, batch, threads, 1, half));
            return new Result(setup, pts.length, plane, 2 * half, base, data.size(), threads,
                    pts[(grid / 2) * grid + grid / 2].loss(), ev.weightFeed(), ev.firstLayer());
        }
    }
}
