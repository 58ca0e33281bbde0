package dev.loupe.compress.bench;

import dev.loupe.compress.Method;
import dev.loupe.compress.allocate.AllocationMethod;
import dev.loupe.compress.engine.CompressRequest;
import dev.loupe.compress.engine.CompressRun;
import dev.loupe.compress.prune.Pruners;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.compress.quantize.RoundToNearest;
import dev.loupe.compress.result.CompressionReport;
import dev.loupe.compress.write.QuantizedLayout;
import dev.loupe.core.bench.PeakResident;
import dev.loupe.core.bench.Stopwatch;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Encode;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.spectral.bench.InspectBenchmark;
import dev.loupe.spectral.bench.ModelBenchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Issue 14's "streaming at LLM scale": the LLaMA-7B-shaped BF16 sharded checkpoint of
 * {@code dev.loupe.spectral.bench.ModelBenchmark} (32 blocks, ~13.5 GB; fewer blocks for a quicker run) compressed end
 * to end by {@code loupe compress}'s own engine ({@link CompressRun}: layers read from the mapped shards one at a time,
 * each edit written into Hugging Face shards as soon as it is made) for each {@link Job}. Per job: wall and process
 * CPU seconds, the part spent in the layer loop (from the engine's progress events), the peak heap (the heap pools'
 * peaks, reset before the job: an upper bound of the simultaneous peak) and the old generation's peak (what stayed
 * live), the output's size. Next to it, one layer of each shape measured in the same run (decode BF16 to floats,
 * the kernel, encode the result), times its count: how the loop's time splits between them and I/O.
 */
public final class ModelCompressBenchmark {
    /** One way to compress the whole model. */
    public enum Job {
        RTN4("rtn int4 g128"), MAGNITUDE50("magnitude 50%"), KNAPSACK4("rtn knapsack 4.0 bits g128"),
        GPTQ4("gptq int4 g128"), SPARSEGPT50("sparsegpt 50%"), WANDA50("wanda 50%");

        private final String label;

        Job(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether the job runs the LM forward pass on calibration text (XᵀX or Wanda's norms). */
        public boolean calibrated() {
            return this == GPTQ4 || this == SPARSEGPT50 || this == WANDA50;
        }

        CompressRequest.Goal goal() {
            return switch (this) {
                case GPTQ4 -> new CompressRequest.Quantize(4, Method.GPTQ, AllocationMethod.UNIFORM, 128, false, 0, false, 0);
                case SPARSEGPT50 -> new CompressRequest.Prune(0.5, Method.SPARSEGPT, AllocationMethod.UNIFORM, 0, 0, 0.3, null, null);
                case WANDA50 -> new CompressRequest.Prune(0.5, Method.WANDA, AllocationMethod.UNIFORM, 0, 0, 0.3, null, null);
                case RTN4 -> new CompressRequest.Quantize(4, Method.RTN, AllocationMethod.UNIFORM, 128, false, 0, false, 0);
                case KNAPSACK4 -> new CompressRequest.Quantize(4, Method.RTN, AllocationMethod.KNAPSACK, 128, false, 0, false, 0);
                case MAGNITUDE50 -> new CompressRequest.Prune(0.5, Method.MAGNITUDE, AllocationMethod.UNIFORM, 0, 0, 0.3, null, null);
            };
        }
    }

    /** One layer shape of the model: its count, and decode / kernel / encode of one such layer, seconds. */
    public record Part(String shape, int count, double decodeSeconds, double kernelSeconds, double encodeSeconds) {
    }

    /** One job's figures; {@code blockTimes}: the engine's block-by-block timing line (calibrated jobs), else null. */
    public record Run(Job job, double wallSeconds, double cpuSeconds, double loopSeconds, long peakHeapBytes,
                      long oldGenPeakBytes, long liveAfterGcBytes, int collections, long outputBytes, int outputFiles, int layers, List<Part> parts,
                      String loadBefore, String loadAfter, String blockTimes) {
    }

    /**
     * The calibration of the jobs that need one: {@code windows} windows of {@code context} tokens of {@code text}
     * (repeated as often as it takes to fill them: the weights are random, only the amount of work matters).
     */
    public record Calibration(Path text, int context, int windows) {
        /**
         * The fewest windows of {@code context} tokens that give GPTQ/SparseGPT as many calibration tokens as the
         * widest layer (down_proj, 11008) has inputs, which they require (a smaller XᵀX is singular).
         */
        public static int fewestWindows(int context) {
            return (ModelBenchmark.F + context - 1) / context;
        }
    }

    /** The checkpoint and every job; {@code calibration}: what calibrated jobs ran on, with {@code repeats} of its text. */
    public record Result(int blocks, long inputBytes, int inputShards, double writeSeconds, long maxHeapBytes,
                         List<Run> runs, long vmHwmBytes, Calibration calibration, int repeats) {
    }

    private ModelCompressBenchmark() {
    }

    /**
     * Writes the checkpoint into {@code dir}/model (ModelBenchmark's generator), then runs each job into
     * {@code dir}/out (deleted after each job, for the disk), {@code log} hearing each phase.
     */
    public static Result run(Path dir, int blocks, List<Job> jobs, Calibration calibration, DenseBackend backend, Progress progress,
                             Consumer<String> log) {
        Path model = dir.resolve("model");
        long[] bytes = new long[1];
        log.accept("writing the " + blocks + "-block LLaMA-7B-shaped BF16 checkpoint to " + model);
        double write = Stopwatch.seconds(() -> {
            try {
                Files.createDirectories(model);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes[0] = ModelBenchmark.write(model, blocks, progress);
        });
        log.accept(String.format(java.util.Locale.ROOT, "checkpoint written: %.2f GB in %.0f s", bytes[0] / 1e9, write));
        Path index = model.resolve("model.safetensors.index.json");
        LmFolder.write(model, blocks);
        int repeats = 0;
        Path text = null;
        if (jobs.stream().anyMatch(Job::calibrated)) {
            text = dir.resolve("calibration.txt");
            repeats = LmFolder.calibrationText(model, calibration.text(), (long) calibration.windows() * calibration.context(), text);
            log.accept("calibration: " + calibration.windows() + " windows of " + calibration.context() + " tokens from "
                    + calibration.text() + (repeats > 1 ? " (repeated " + repeats + " times)" : ""));
        }
        List<Run> runs = new ArrayList<>();
        for (Job j : jobs) {
            CompressRequest.Data data = j.calibrated() ? new CompressRequest.Data(null, false, calibration.windows(), null,
                    new CompressRequest.LmCalibration(text, calibration.context())) : CompressRequest.Data.NONE;
            // a calibrated job reads the folder (config.json, tokenizer.json: loupe-lm's forward pass); the others the index
            runs.add(job(j.calibrated() ? model : index, data, dir.resolve("out"), j, backend, progress, log));
        }
        return new Result(blocks, bytes[0], blocks, write, Runtime.getRuntime().maxMemory(), runs, PeakResident.bytes(), calibration, repeats);
    }

    private static Run job(Path input, CompressRequest.Data data, Path outDir, Job j, DenseBackend backend, Progress progress,
                           Consumer<String> log) {
        Path index = input.getFileName().toString().endsWith(".json") ? input : input.resolve("model.safetensors.index.json");
        Path out = outDir.resolve("model.safetensors.index.json");
        CompressRequest r = new CompressRequest(input, j.goal(), null, data,
                new CompressRequest.MemoryWall(1, null), CompressRequest.Destination.file(out));
        System.gc();
        resetPeaks();
        String before = InspectBenchmark.loadAverage();
        double cpu0 = InspectBenchmark.processCpuSeconds();
        double[] loop = new double[2];
        Progress timed = new Progress() {
            @Override
            public void start(String task, long total) {
                loop[0] = System.nanoTime();
                progress.start(task, total);
            }

            @Override
            public void advance(long units) {
                progress.advance(units);
            }

            @Override
            public void done() {
                loop[1] += (System.nanoTime() - loop[0]) / 1e9;
                progress.done();
            }
        };
        log.accept("compressing: " + j.label() + " -> " + out);
        CompressionReport[] rep = new CompressionReport[1];
        double wall;
        long[] live = new long[2];
        try (AfterGc gc = new AfterGc()) {
            wall = Stopwatch.seconds(() -> rep[0] = CompressRun.run(r, backend, timed));
            live[0] = gc.maxUsed();
            live[1] = gc.count();
        }
        double cpu = InspectBenchmark.processCpuSeconds() - cpu0;
        long peak = heapPeak(false);
        long old = heapPeak(true);
        String after = InspectBenchmark.loadAverage();
        int files;
        try (Stream<Path> s = Files.list(outDir)) {
            files = (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.accept(String.format(java.util.Locale.ROOT, "%s: %.0f s wall, %.0f s CPU, output %.2f GB%s",
                j.label(), wall, cpu, rep[0].bytesAfter() / 1e9, j.calibrated() ? "" : "; measuring one layer of each shape"));
        delete(outDir);
        // a calibrated job's split is its block-by-block timing line instead
        List<Part> parts = j.calibrated() ? List.of() : parts(index, j);
        String blockTimes = rep[0].notes().stream().filter(n -> n.startsWith("block by block:")).findFirst().orElse(null);
        return new Run(j, wall, cpu, loop[1], peak, old, live[0], (int) live[1], rep[0].bytesAfter(), files, rep[0].layers().size(), parts,
                before, after, blockTimes);
    }

    private static List<Part> parts(Path index, Job j) {
        List<Part> parts = new ArrayList<>();
        try (Checkpoint cp = Checkpoints.open(index)) {
            int blocks = (int) cp.tensors().stream().filter(t -> t.name().endsWith("q_proj.weight")).count();
            parts.add(part(cp.tensor("model.layers.0.self_attn.q_proj.weight").orElseThrow(), 4 * blocks, j));
            parts.add(part(cp.tensor("model.layers.0.mlp.gate_proj.weight").orElseThrow(), 2 * blocks, j));
            parts.add(part(cp.tensor("model.layers.0.mlp.down_proj.weight").orElseThrow(), blocks, j));
        }
        return parts;
    }

    /** Decode, kernel and encode of one layer, as the engine does them for {@code j} (the allocation pass not included). */
    private static Part part(Tensor t, int count, Job j) {
        int rows = (int) t.dim(0);
        int cols = (int) t.dim(1);
        float[][] w = new float[1][];
        double decode = Stopwatch.seconds(() -> w[0] = t.toFloats());
        Object[] res = new Object[1];
        double kernel = Stopwatch.seconds(() -> res[0] = j == Job.MAGNITUDE50
                ? Pruners.prune(Pruners.magnitudeScores(w[0]), rows, cols, 0.5, Pruners.Scope.LAYER).apply(w[0])
                : RoundToNearest.quantize(w[0], rows, cols, new QuantSpec(4, true, 128)));
        double encode = Stopwatch.seconds(() -> {
            if (res[0] instanceof QuantizedMatrix q) {
                QuantizedLayout.pack(q);
                Encode.floats(q.scales(), DType.F32);
            } else {
                Encode.floats((float[]) res[0], t.dtype());
            }
        });
        return new Part(rows + "x" + cols, count, decode, kernel, encode);
    }

    /**
     * The largest heap in use right after a full collection while open (the live set at that moment), from the GC
     * beans' notifications, and how many full collections there were: closer to what a run needs than the pools'
     * peaks, which include garbage the collector had no reason to free yet. None when the heap never filled.
     */
    private static final class AfterGc implements AutoCloseable {
        private final List<javax.management.NotificationEmitter> emitters = new ArrayList<>();
        private final javax.management.NotificationListener listener;
        private final java.util.concurrent.atomic.AtomicLong max = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

        AfterGc() {
            listener = (n, h) -> {
                if (n.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) n.getUserData());
                    long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                            .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                    if (info.getGcAction().contains("major")) { // a full collection: what is left is the live set
                        max.accumulateAndGet(used, Math::max);
                        count.incrementAndGet();
                    }
                }
            };
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof javax.management.NotificationEmitter e) {
                    e.addNotificationListener(listener, null, null);
                    emitters.add(e);
                }
            }
        }

        long maxUsed() {
            return max.get();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() {
            for (var e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (javax.management.ListenerNotFoundException ignored) {
                    // already gone
                }
            }
        }
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peaks since the reset, or the old generation's alone. */
    private static long heapPeak(boolean oldOnly) {
        long s = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null && (!oldOnly || p.getName().contains("Old"))) {
                s += p.getPeakUsage().getUsed();
            }
        }
        return s;
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the scratch directory is removed by the caller too
        }
    }
}
