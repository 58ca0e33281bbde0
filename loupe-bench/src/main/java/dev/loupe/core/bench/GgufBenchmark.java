package dev.loupe.core.bench;

import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How fast ggml block types dequantize to float: a size x size matrix of seeded N(0, 0.02) weights is
 * quantized to each type ({@link BenchQuantizer}), placed in native memory like a mapped GGUF, and
 * decoded with {@link Tensor#readFloats} into an existing float[] on {@code threads} threads, each
 * taking one contiguous range of rows. Two baselines are measured in the same run, on the same threads
 * and into the same array: a plain copy of a float[] of the same size (the cost of producing the
 * output at all) and F16 to float decoding (the cheapest real decode). Decode and baselines alternate
 * after unmeasured warm-up rounds so all see the same JIT and caches.
 */
public final class GgufBenchmark {
    private static final int WARMUP = 3;
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * One type: GB/s of float output (1 GB = 1e9 bytes), best of the runs, with the baselines' GB/s of
     * the same run and the quantization's relative RMS error (a check that the blocks decode to the weights).
     */
    public record Result(DType type, long outputBytes, double bestSeconds, double gbPerSecond,
                         double copyGbPerSecond, double f16GbPerSecond, double relativeRmsError) {
        public double vsCopy() {
            return gbPerSecond / copyGbPerSecond;
        }

        public double vsF16() {
            return gbPerSecond / f16GbPerSecond;
        }
    }

    private GgufBenchmark() {
    }

    /** The ggml block types Loupe dequantizes, in ggml's order. */
    public static List<DType> blockTypes() {
        return Arrays.stream(DType.values()).filter(DType::isQuantized).toList();
    }

    /**
     * Measures each of {@code types} on a {@code size x size} matrix ({@code size} a multiple of 256,
     * so each row is whole super-blocks as GGUF requires), best of {@code runs}.
     */
    public static List<Result> run(int size, int threads, int runs, List<DType> types, long seed) {
        if (size <= 0 || size % 256 != 0 || (long) size * size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("size must be a positive multiple of 256 below 46341: " + size);
        }
        int n = size * size;
        float[] x = weights(n, seed);
        float[] out = new float[n];
        List<Result> results = new ArrayList<>();
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Tensor f16 = Tensor.contiguous("f16", DType.F16, new long[] {size, size}, f16(arena, x), null);
            int[] bounds = rowRanges(size, threads);
            for (DType t : types) {
                MemorySegment blocks = arena.allocate(t.byteSize(n), 64);
                MemorySegment.copy(MemorySegment.ofArray(BenchQuantizer.quantize(t, x)), 0, blocks, 0, blocks.byteSize());
                Tensor q = Tensor.contiguous(t.name(), t, new long[] {size, size}, blocks, null);
                Runnable[] work = {
                    () -> parallel(pool, bounds, size, (s, len) -> q.readFloats(s, out, s, len)),
                    () -> parallel(pool, bounds, size, (s, len) -> System.arraycopy(x, s, out, s, len)),
                    () -> parallel(pool, bounds, size, (s, len) -> f16.readFloats(s, out, s, len))};
                double[] best = bestOf(work, runs);
                work[0].run();
                long bytes = (long) n * Float.BYTES;
                results.add(new Result(t, bytes, best[0], bytes / best[0] / 1e9, bytes / best[1] / 1e9,
                        bytes / best[2] / 1e9, relativeRms(x, out)));
            }
        }
        return results;
    }

    /** Best seconds of each job; the jobs alternate within every round. */
    private static double[] bestOf(Runnable[] work, int runs) {
        for (int i = 0; i < WARMUP; i++) { // JIT (the decode loops start in the interpreter)
            for (Runnable w : work) {
                w.run();
            }
        }
        double[] best = new double[work.length];
        Arrays.fill(best, Double.MAX_VALUE);
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < work.length; i++) {
                best[i] = Math.min(best[i], Stopwatch.seconds(work[i]));
            }
        }
        return best;
    }

    private interface Range {
        void run(int start, int len);
    }

    /** Runs {@code job} over each thread's element range and waits for all. */
    private static void parallel(ExecutorService pool, int[] rowBounds, int cols, Range job) {
        if (rowBounds.length == 2) { // one thread: on this one, no hand-off
            job.run(0, rowBounds[1] * cols);
            return;
        }
        List<Future<?>> parts = new ArrayList<>();
        for (int i = 0; i + 1 < rowBounds.length; i++) {
            int start = rowBounds[i] * cols;
            int len = (rowBounds[i + 1] - rowBounds[i]) * cols;
            parts.add(pool.submit(() -> job.run(start, len)));
        }
        try {
            for (Future<?> f : parts) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@code threads + 1} row boundaries splitting {@code rows} as evenly as whole rows allow. */
    private static int[] rowRanges(int rows, int threads) {
        int parts = Math.max(1, Math.min(threads, rows));
        int[] b = new int[parts + 1];
        for (int i = 0; i <= parts; i++) {
            b[i] = (int) ((long) rows * i / parts);
        }
        return b;
    }

    /** N(0, 0.02) weights, like a trained transformer's; seeded. */
    private static float[] weights(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.02);
        }
        return x;
    }

    private static MemorySegment f16(Arena arena, float[] x) {
        MemorySegment s = arena.allocate((long) x.length * 2, 64);
        for (int i = 0; i < x.length; i++) {
            s.set(F16, 2L * i, Float.floatToFloat16(x[i]));
        }
        return s;
    }

    /** sqrt(sum (y - x)^2 / sum x^2). */
    private static double relativeRms(float[] x, float[] y) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) y[i] - x[i];
            err += d * d;
            norm += (double) x[i] * x[i];
        }
        return Math.sqrt(err / norm);
    }
}
