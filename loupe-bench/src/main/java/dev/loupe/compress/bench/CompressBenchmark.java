package dev.loupe.compress.bench;

import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.prune.SemiStructured;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.core.bench.Stopwatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The compression kernels on a synthetic N(0, 0.02) F32 matrix of a LLaMA-7B shape: magnitude pruning at 50 %
 * (one ranking over the layer), 2:4 semi-structured pruning, and round-to-nearest int8 / int4 with groups of 128
 * (symmetric). Baselines measured in the same run on the same matrix: a plain copy into a preallocated array
 * (the memory-bandwidth floor) and a full sort of |W| (the heart of the exact-count magnitude prune, which sorts
 * packed score/index keys). Every figure is the best of {@code runs} single-threaded runs, so a shared
 * machine's noise inflates it least.
 */
public final class CompressBenchmark {
    /** One shape's figures. Seconds are the best of the runs. */
    public record Result(int rows, int cols, double copySeconds, double sortSeconds, List<Kernel> kernels) {
        public Result {
            kernels = List.copyOf(kernels);
        }

        public long bytes() {
            return 4L * rows * cols;
        }
    }

    /** One kernel's best time and its ratios to the two baselines. */
    public record Kernel(String name, double seconds, double vsCopy, double vsSort) {
    }

    /** The benchmarked shapes as [out, in]: attention projection d×d and MLP down projection d×f (d 4096, f 11008). */
    public static final int[][] SHAPES = {{4096, 4096}, {4096, 11008}};

    private static volatile double sink;

    private CompressBenchmark() {
    }

    /** Runs every kernel on one seeded matrix of {@code rows}×{@code cols}. */
    public static Result run(int rows, int cols, int runs, long seed) {
        warmUp(seed);
        float[] w = matrix(rows, cols, seed);
        // the copy goes into an array allocated outside the clock: the memory-bandwidth floor without the
        // page faults of a fresh allocation, which made the first shape's copy look slower than the second's
        float[] dst = new float[w.length];
        double copy = Stopwatch.best(runs, () -> w, m -> {
            System.arraycopy(m, 0, dst, 0, m.length);
            consume(dst);
        });
        double sort = Stopwatch.best(runs, () -> w, m -> {
            float[] s = Pruners.magnitudeScores(m);
            Arrays.sort(s);
            consume(s);
        });
        List<Kernel> ks = new ArrayList<>();
        add(ks, "magnitude 50%", w, runs, copy, sort,
                m -> Pruners.prune(Pruners.magnitudeScores(m), rows, cols, 0.5, Pruners.Scope.LAYER).apply(m));
        add(ks, "2:4", w, runs, copy, sort,
                m -> SemiStructured.prune(Pruners.magnitudeScores(m), rows, cols, 2, 4).apply(m));
        add(ks, "RTN int8 g128", w, runs, copy, sort,
                m -> RoundToNearest.quantize(m, rows, cols, new QuantSpec(8, true, 128)).scales());
        add(ks, "RTN int4 g128", w, runs, copy, sort,
                m -> RoundToNearest.quantize(m, rows, cols, new QuantSpec(4, true, 128)).scales());
        return new Result(rows, cols, copy, sort, ks);
    }

    private static void add(List<Kernel> ks, String name, float[] w, int runs, double copy, double sort,
                            Function<float[], float[]> kernel) {
        double s = Stopwatch.best(runs, () -> w, m -> consume(kernel.apply(m)));
        ks.add(new Kernel(name, s, s / copy, s / sort));
    }

    /** Every kernel a few times on a small matrix first, so the timed runs measure compiled code. */
    private static void warmUp(long seed) {
        int rows = 256;
        int cols = 1024;
        float[] w = matrix(rows, cols, seed + 1);
        for (int i = 0; i < 10; i++) {
            consume(Pruners.prune(Pruners.magnitudeScores(w), rows, cols, 0.5, Pruners.Scope.LAYER).apply(w));
            consume(SemiStructured.prune(Pruners.magnitudeScores(w), rows, cols, 2, 4).apply(w));
            consume(RoundToNearest.quantize(w, rows, cols, new QuantSpec(8, true, 128)).scales());
            consume(RoundToNearest.quantize(w, rows, cols, new QuantSpec(4, true, 128)).scales());
            float[] s = Pruners.magnitudeScores(w);
            Arrays.sort(s);
            consume(s);
        }
    }

    /** Reads one element so the JIT cannot drop the work. */
    private static void consume(float[] out) {
        sink += out.length == 0 ? 0 : out[out.length / 2];
    }

    static float[] matrix(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[Math.multiplyExact(rows, cols)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.02 * r.nextGaussian());
        }
        return w;
    }
}
