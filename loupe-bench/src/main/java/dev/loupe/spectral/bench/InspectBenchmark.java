package dev.loupe.spectral.bench;

import dev.loupe.core.bench.Stopwatch;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.layers.ConvMode;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One LLaMA-7B-shaped transformer block (q, k, v, o: d×d; gate, up: f×d; down: d×f with d = 4096,
 * f = 11008), synthetic N(0, 0.02) weights written as BF16 safetensors, inspected end to end
 * (decode, Gram, eigenvalues, power-law and MP fits, weight statistics). Baselines measured in the
 * same run: decoding all seven tensors (pure read), and the ESD (Gram + eigenvalues) of one d×d
 * layer. {@code scale} divides d and f so the pure-Java backend finishes; the full size is then
 * projected with the O(N·M² + M³) cost law, stated as such.
 */
public final class InspectBenchmark {
    public static final int D = 4096;
    public static final int F = 11008;
    public static final int BLOCKS_7B = 32;

    /** Figures of one precision. Seconds are wall times of single runs. */
    public record Result(String precision, int threads, double blockSeconds, double blockCpuSeconds, double readSeconds,
                         double oneLayerEsdSeconds, double projectedBlockSeconds, double projectedModelSeconds) {
        public double ratioToRead() {
            return blockSeconds / readSeconds;
        }

        public double ratioToOneLayer() {
            return blockSeconds / oneLayerEsdSeconds;
        }
    }

    private InspectBenchmark() {
    }

    /** Writes the block into {@code dir} (once) and measures each precision. */
    public static List<Result> run(Path dir, DenseBackend backend, int scale, int threads, List<Precision> precisions) {
        int d = D / scale;
        int f = F / scale;
        Path file = dir.resolve("llama7b-block.safetensors");
        SafetensorsWriter.write(file, block(d, f), Map.of("loupe-bench", "inspect"));
        List<Result> out = new ArrayList<>();
        try (Checkpoint cp = Checkpoints.open(file)) {
            double read = Stopwatch.seconds(() -> {
                for (Tensor t : cp.tensors()) {
                    t.toFloats();
                }
            });
            float[] square = cp.tensor("model.layers.0.self_attn.q_proj.weight").orElseThrow().toFloats();
            for (Precision p : precisions) {
                EsdCalculator esd = new EsdCalculator(backend, p);
                double one = Stopwatch.seconds(() -> esd.eigenvalues(square, d, d));
                InspectOptions o = new InspectOptions(p, ConvMode.SLICES, false, true, false, 0, threads);
                double cpu0 = processCpuSeconds();
                double block = Stopwatch.seconds(() -> new Inspector(backend, o).inspect(cp, Progress.NONE, "bench", false));
                double cpu = processCpuSeconds() - cpu0;
                double cube = Math.pow(scale, 3);
                out.add(new Result(p.label(), threads, block, cpu, read, one, block * cube, block * cube * BLOCKS_7B));
            }
        }
        return out;
    }

    static List<Tensor> block(int d, int f) {
        List<Tensor> ts = new ArrayList<>();
        long seed = 1;
        for (String n : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
            ts.add(bf16("model.layers.0.self_attn." + n + ".weight", d, d, seed++));
        }
        ts.add(bf16("model.layers.0.mlp.gate_proj.weight", f, d, seed++));
        ts.add(bf16("model.layers.0.mlp.up_proj.weight", f, d, seed++));
        ts.add(bf16("model.layers.0.mlp.down_proj.weight", d, f, seed));
        return ts;
    }

    /** N(0, 0.02) rounded to BF16 (round to nearest even), seeded; Box–Muller pairs. */
    public static Tensor bf16(String name, int rows, int cols, long seed) {
        int n = rows * cols;
        short[] bits = new short[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i += 2) {
            double u = 1 - r.nextDouble();
            double rad = 0.02 * Math.sqrt(-2 * Math.log(u));
            double th = 2 * Math.PI * r.nextDouble();
            bits[i] = toBf16((float) (rad * Math.cos(th)));
            if (i + 1 < n) {
                bits[i + 1] = toBf16((float) (rad * Math.sin(th)));
            }
        }
        return Tensor.contiguous(name, DType.BF16, new long[] {rows, cols}, MemorySegment.ofArray(bits), null);
    }

    private static short toBf16(float v) {
        int b = Float.floatToRawIntBits(v);
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }

    /**
     * CPU seconds of the whole process (Java and native BLAS threads): on a shared machine wall time
     * inflates with other load, CPU time much less; CPU / cores bounds the uncontended wall time from below.
     */
    /** The 1, 5 and 15 minute load averages ("/proc/loadavg"), or "?" where there is none. */
    /** The 1, 5 and 15 minute load averages of /proc/loadavg, or "?". */
    public static String loadAverage() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Process CPU seconds (Java and native threads), or NaN. */
    public static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }
}
