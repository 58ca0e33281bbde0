package dev.loupe.core.bench;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * How fast a big half-precision weight matrix decodes into float[] and double[]: a 4096x11008 BF16 and
 * F16 tensor (LLaMA-7B's MLP shape) is written to safetensors, opened through the normal path, and
 * decoded with {@link Tensor#toFloats()} / {@link Tensor#toDoubles()}. The baseline, measured in the same
 * run, is a single-threaded {@code MemorySegment.copy} of the same number of output bytes from native
 * memory into a heap array: the cost of merely producing the output. A third row times the decoding
 * kernel alone (one thread, into an existing array) against a copy into that same array. Two more rows
 * read PyTorch-style strided views of the same storage, a column slice {@code w[:, 64:]} (rows decode in
 * bulk) and the transpose {@code w.T} (element by element), against the contiguous read of the whole tensor.
 */
public final class ReadBenchmark {
    public static final int ROWS = 4096;
    public static final int COLS = 11008;
    private static final int WARMUP = 3;

    /** One measurement: GB/s of output (1 GB = 1e9 bytes), best of the runs. */
    public record Result(DType dtype, String into, long outputBytes, double bestSeconds, double gbPerSecond,
                         String baseline, double baselineGbPerSecond) {
        public double ratio() {
            return gbPerSecond / baselineGbPerSecond;
        }
    }

    private ReadBenchmark() {
    }

    /**
     * Writes the two files into {@code dir} and measures, best of {@code runs}. Decode and baseline runs
     * alternate after a few unmeasured rounds of each, so both see the same warmed JIT and heap.
     */
    public static List<Result> run(Path dir, int runs) {
        List<Result> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate((long) ROWS * COLS * Double.BYTES, 64);
            src.fill((byte) 1);
            for (DType t : List.of(DType.BF16, DType.F16)) {
                Path f = dir.resolve("bench-" + t + ".safetensors");
                SafetensorsWriter.write(f, List.of(weights(t)), Map.of());
                try (Checkpoint c = Checkpoints.open(f)) {
                    Tensor w = c.tensors().getFirst();
                    int n = (int) w.numel();
                    out.add(measure(t, "float[]", n * (long) Float.BYTES, runs, w::toFloats, () -> copyFloats(src, n)));
                    out.add(measure(t, "double[]", n * (long) Double.BYTES, runs, w::toDoubles, () -> copyFloats(src, 2 * n)));
                    // The kernel alone: one thread, into an array that already exists, against the same copy.
                    float[] reused = new float[n];
                    out.add(measure(t, "float[] kernel", n * (long) Float.BYTES, runs, () -> {
                        w.readFloats(0, reused, 0, n);
                        return reused;
                    }, () -> {
                        MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, reused, 0, n);
                        return reused;
                    }));
                    if (t == DType.BF16) {
                        out.addAll(views(w, runs));
                    }
                }
            }
        }
        return out;
    }

    /** toFloats of a column slice and of the transpose of {@code w}'s storage, against toFloats of {@code w}. */
    private static List<Result> views(Tensor w, int runs) {
        MemorySegment storage = w.storedBytes();
        Tensor slice = Tensor.strided("w[:, 64:]", w.dtype(), new long[] {ROWS, COLS - 64}, new long[] {COLS, 1}, 64,
                storage, null);
        Tensor transposed = Tensor.strided("w.T", w.dtype(), new long[] {COLS, ROWS}, new long[] {1, COLS}, 0,
                storage, null);
        List<Result> out = new ArrayList<>();
        for (Tensor v : List.of(slice, transposed)) {
            Result r = measure(v.dtype(), "float[] " + v.name(), v.numel() * Float.BYTES, runs, v::toFloats, w::toFloats);
            // the baseline produced ROWS * COLS floats, the view fewer for the slice: compare per output byte
            double contiguous = (long) ROWS * COLS * Float.BYTES / (r.outputBytes() / r.baselineGbPerSecond());
            out.add(new Result(r.dtype(), r.into(), r.outputBytes(), r.bestSeconds(), r.gbPerSecond(), "contiguous",
                    contiguous));
        }
        return out;
    }

    private static Result measure(DType t, String into, long bytes, int runs, Supplier<Object> decode, Supplier<Object> copy) {
        for (int i = 0; i < WARMUP; i++) { // JIT (the decode loops start in the interpreter) and heap growth
            once(decode);
            once(copy);
        }
        double bestDecode = Double.MAX_VALUE;
        double bestCopy = Double.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            bestDecode = Math.min(bestDecode, once(decode));
            bestCopy = Math.min(bestCopy, once(copy));
        }
        return new Result(t, into, bytes, bestDecode, bytes / bestDecode / 1e9, "copy", bytes / bestCopy / 1e9);
    }

    /** Seconds one call takes. */
    private static double once(Supplier<Object> work) {
        Object[] sink = new Object[1]; // the result stays reachable, so the JIT cannot drop the decode
        double seconds = Stopwatch.seconds(() -> sink[0] = work.get());
        if (sink[0] == null) {
            throw new IllegalStateException("no result");
        }
        return seconds;
    }

    /** The baseline: {@code n} floats' worth of bytes copied from native memory into a fresh heap array. */
    private static float[] copyFloats(MemorySegment src, int n) {
        float[] dst = new float[n];
        MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, dst, 0, n);
        return dst;
    }

    /** N(0, 0.02) weights, like a trained transformer's, rounded to {@code t}; seeded. */
    private static Tensor weights(DType t) {
        int n = ROWS * COLS;
        ByteBuffer b = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(42);
        for (int i = 0; i < n; i++) {
            float v = (float) (r.nextGaussian() * 0.02);
            short bits = t == DType.F16 ? Float.floatToFloat16(v) : (short) (Float.floatToRawIntBits(v) + 0x8000 >>> 16);
            b.putShort(bits);
        }
        return Tensor.contiguous("mlp.weight", t, new long[] {ROWS, COLS}, MemorySegment.ofArray(b.array()), null);
    }
}
