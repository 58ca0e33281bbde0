package dev.loupe.spectral.bench;

import dev.loupe.core.bench.Stopwatch;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.linalg.openblas.OpenBlasBackend;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.fit.HillEstimator;
import dev.loupe.spectral.fit.MarchenkoPastur;
import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.layers.ConvMode;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.weights.WeightStatistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A whole LLaMA-7B-shaped checkpoint (32 blocks of q, k, v, o: 4096², gate, up: 11008×4096, down:
 * 4096×11008, two RMSNorm vectors; embed_tokens and lm_head 32000×4096), BF16, one safetensors shard
 * per block plus an index, ~13.5 GB, written to a folder and inspected end to end. The weights are
 * Student-t(3)·0.02 draws (a heavy-tailed ESD, like the three-layer file the WeightWatcher comparison
 * uses) from a seeded table of 65,536 BF16 values indexed by 16 random bits (generation is I/O-bound).
 *
 * <p>Next to the end-to-end wall time: each distinct shape's parts measured once in the same run
 * (decode, Gram, eigenvalues = tridiagonalization + ?sterf, fits) times its count, the FLOPs of the Gram
 * (N·M²) and of the tridiagonalization (4/3·M³), and an {@code sgemm} of 4096×4096×4096 as this
 * machine's single-precision peak.
 */
public final class ModelBenchmark {
    public static final int D = 4096;
    public static final int F = 11008;
    public static final int VOCAB = 32000;

    /** One distinct matrix shape: its count in the model and its parts measured once. */
    public record Part(String shape, int rows, int cols, int count, double decodeSeconds, double gramSeconds,
                       double eigenSeconds, double fitSeconds) {
        public double gramFlops() {
            return (double) Math.max(rows, cols) * Math.min(rows, cols) * Math.min(rows, cols);
        }

        public double tridiagonalFlops() {
            double m = Math.min(rows, cols);
            return 4.0 / 3 * m * m * m;
        }
    }

    /**
     * @param wallSeconds   the end-to-end inspection (open, decode, ESD, fits), one run
     * @param sgemmGflops   the same-run sgemm 4096³ rate (this machine's peak in single precision)
     * @param recomputedFp64 the layers {@code --precision auto} recomputed in double
     */
    public record Result(int blocks, long bytes, double writeSeconds, double wallSeconds, double cpuSeconds, int layers,
                         List<String> recomputedFp64, long peakHeapBytes, long maxHeapBytes, int threads, String precision,
                         List<Part> parts, double sgemmGflops, String loadBefore, String loadAfter) {
        public double modelFlops() {
            return parts.stream().mapToDouble(p -> p.count() * (p.gramFlops() + p.tridiagonalFlops())).sum();
        }
    }

    private ModelBenchmark() {
    }

    /** The model's matrices and vectors, in the order of a Hugging Face LLaMA state dict. */
    static List<Map.Entry<String, long[]>> tensors(int blocks) {
        List<Map.Entry<String, long[]>> t = new ArrayList<>();
        t.add(Map.entry("model.embed_tokens.weight", new long[] {VOCAB, D}));
        for (int b = 0; b < blocks; b++) {
            String p = "model.layers." + b + ".";
            for (String n : List.of("q_proj", "k_proj", "v_proj", "o_proj")) {
                t.add(Map.entry(p + "self_attn." + n + ".weight", new long[] {D, D}));
            }
            t.add(Map.entry(p + "mlp.gate_proj.weight", new long[] {F, D}));
            t.add(Map.entry(p + "mlp.up_proj.weight", new long[] {F, D}));
            t.add(Map.entry(p + "mlp.down_proj.weight", new long[] {D, F}));
            t.add(Map.entry(p + "input_layernorm.weight", new long[] {D}));
            t.add(Map.entry(p + "post_attention_layernorm.weight", new long[] {D}));
        }
        t.add(Map.entry("model.norm.weight", new long[] {D}));
        t.add(Map.entry("lm_head.weight", new long[] {VOCAB, D}));
        return t;
    }

    /** The 2-D tensors of a {@code blocks}-block model (7 per block, embeddings and head): the layers inspected. */
    public static int matrixCount(int blocks) {
        return (int) tensors(blocks).stream().filter(e -> e.getValue().length == 2).count();
    }

    /** Writes the sharded checkpoint (one shard per block, embeddings and head in the first and last) and its index. */
    public static long write(Path dir, int blocks, Progress progress) {
        short[] table = table(7);
        SplittableRandom rnd = new SplittableRandom(1);
        Map<String, List<Map.Entry<String, long[]>>> shards = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : tensors(blocks)) {
            String n = e.getKey();
            int b = n.startsWith("model.layers.") ? Integer.parseInt(n.split("\\.")[2]) : n.startsWith("model.embed") ? 0
                    : blocks - 1;
            shards.computeIfAbsent(String.format("model-%05d-of-%05d.safetensors", b + 1, blocks), k -> new ArrayList<>()).add(e);
        }
        progress.start("write checkpoint", shards.size());
        long total = 0;
        StringBuilder index = new StringBuilder("{\"metadata\": {\"total_size\": TOTAL}, \"weight_map\": {");
        boolean first = true;
        for (Map.Entry<String, List<Map.Entry<String, long[]>>> s : shards.entrySet()) {
            try (Arena arena = Arena.ofConfined()) {
                List<Tensor> ts = new ArrayList<>();
                for (Map.Entry<String, long[]> e : s.getValue()) {
                    long n = 1;
                    for (long d : e.getValue()) {
                        n *= d;
                    }
                    MemorySegment seg = arena.allocate(2 * n, 8);
                    if (e.getValue().length == 1) {
                        for (long i = 0; i < n; i++) {
                            seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, (short) 0x3F80); // 1.0
                        }
                    } else {
                        fill(seg, n, table, rnd);
                    }
                    ts.add(Tensor.contiguous(e.getKey(), DType.BF16, e.getValue(), seg, null));
                    total += 2 * n;
                    index.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": \"").append(s.getKey()).append('"');
                    first = false;
                }
                SafetensorsWriter.write(dir.resolve(s.getKey()), ts, Map.of("format", "pt"));
            }
            progress.advance(1);
        }
        progress.done();
        index.append("}}\n");
        try {
            Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString().replace("TOTAL", Long.toString(total)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    private static void fill(MemorySegment seg, long n, short[] table, SplittableRandom rnd) {
        long i = 0;
        while (i < n) {
            long bits = rnd.nextLong();
            for (int k = 0; k < 4 && i < n; k++, i++) {
                seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, table[(int) (bits >>> (16 * k)) & 0xFFFF]);
            }
        }
    }

    /** 65,536 seeded Student-t(3)·0.02 draws rounded to BF16. */
    static short[] table(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] t = new short[1 << 16];
        for (int i = 0; i < t.length; i++) {
            double z = r.nextGaussian();
            double chi = 0;
            for (int k = 0; k < 3; k++) {
                double g = r.nextGaussian();
                chi += g * g;
            }
            int b = Float.floatToRawIntBits((float) (0.02 * z / Math.sqrt(chi / 3)));
            t[i] = (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
        }
        return t;
    }

    /** Inspects the checkpoint in {@code dir} end to end, then measures each distinct shape's parts once. */
    public static Result run(Path dir, int blocks, long bytes, double writeSeconds, DenseBackend backend, int threads,
                             Precision precision, Progress progress) {
        String loadBefore = InspectBenchmark.loadAverage();
        InspectOptions o = new InspectOptions(precision, ConvMode.SLICES, false, true, false, 0, threads);
        double cpu0 = InspectBenchmark.processCpuSeconds();
        InspectResult[] r = new InspectResult[1];
        double wall;
        try (Checkpoint cp = Checkpoints.open(dir)) {
            wall = Stopwatch.seconds(() -> r[0] = new Inspector(backend, o).inspect(cp, progress, "bench", false));
        }
        double cpu = InspectBenchmark.processCpuSeconds() - cpu0;
        String loadAfter = InspectBenchmark.loadAverage();
        List<String> redone = r[0].layers().stream()
                .filter(m -> m.notes().stream().anyMatch(n -> n.startsWith("recomputed in fp64")))
                .map(m -> m.layer().name()).toList();
        List<Part> parts = new ArrayList<>();
        DenseBackend one = backend.withMaxThreads(1);
        try (Checkpoint cp = Checkpoints.open(dir)) {
            parts.add(part(cp, "model.layers.0.self_attn.q_proj.weight", 4 * blocks, one));
            parts.add(part(cp, "model.layers.0.mlp.gate_proj.weight", 3 * blocks, one));
            parts.add(part(cp, "model.embed_tokens.weight", 2, one));
        }
        double peak = Double.NaN;
        if (backend instanceof OpenBlasBackend ob) {
            float[] a = new float[D * D];
            SplittableRandom rnd = new SplittableRandom(3);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            ob.withMaxThreads(1).sgemmGramSeconds(new float[512 * 512], 512, 512); // warm-up
            double s = ob.withMaxThreads(threads).sgemmGramSeconds(a, D, D);
            peak = 2.0 * D * D * D / s / 1e9;
        }
        return new Result(blocks, bytes, writeSeconds, wall, cpu, r[0].layers().size(), redone,
                r[0].provenance().peakHeapBytes(), r[0].provenance().maxHeapBytes(), threads, precision.label(), parts,
                peak, loadBefore, loadAfter);
    }

    /** One tensor's parts, single-threaded BLAS: decode, Gram (ssyrk), eigenvalues (ssyevd), fits and weight statistics. */
    private static Part part(Checkpoint cp, String name, int count, DenseBackend b) {
        Tensor t = cp.tensor(name).orElseThrow();
        int rows = (int) t.shape()[0];
        int cols = (int) t.shape()[1];
        float[][] w = new float[1][];
        double decode = Stopwatch.seconds(() -> w[0] = t.toFloats());
        float[][] g = new float[1][];
        double gram = Stopwatch.seconds(() -> g[0] = b.smallerGram(w[0], rows, cols));
        int m = Math.min(rows, cols);
        float[][] ev = new float[1][];
        double eigen = Stopwatch.seconds(() -> ev[0] = b.symmetricEigenvalues(g[0], m));
        double[] e = new double[m];
        for (int i = 0; i < m; i++) {
            e[i] = Math.max(0, ev[0][i]);
        }
        java.util.Arrays.sort(e);
        double fit = Stopwatch.seconds(() -> {
            PowerLawFitter.fit(e, false);
            HillEstimator.plAlphaHill(e);
            MarchenkoPastur.fit(e, (double) Math.max(rows, cols) / m, m);
            WeightStatistics.of(w[0], rows, cols);
        });
        return new Part(rows + "x" + cols, rows, cols, count, decode, gram, eigen, fit);
    }
}
