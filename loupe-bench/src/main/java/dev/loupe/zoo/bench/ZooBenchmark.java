package dev.loupe.zoo.bench;

import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.spectral.bench.InspectBenchmark;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.discover.ZooDiscovery;
import dev.loupe.zoo.job.JobSize;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.job.ZooWork;
import dev.loupe.zoo.result.ZooRunSummary;
import dev.loupe.zoo.spark.LoopbackCluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one zoo through the in-process path and each Spark master, every run into a fresh catalog
 * (so nothing is skipped). A discarded in-process pass first warms the JIT, OpenBLAS and DuckDB,
 * so the baseline is not charged for the JVM's start. For each Spark master the session start is
 * timed apart from the runs (the first start in a JVM also loads Spark's classes), then the zoo is
 * run {@code repeats} times on the live session and the fastest run is kept. The master
 * {@value #CLUSTER} is a {@link LoopbackCluster} of two one-core workers started for the benchmark.
 */
public final class ZooBenchmark {
    /** The master name that stands for a two-worker standalone cluster on loopback. */
    public static final String CLUSTER = "cluster";

    /**
     * @param path          "in-process" or the Spark master
     * @param models        checkpoints per run
     * @param seconds       fastest run, session already up
     * @param startSeconds  Spark session start (0 for the in-process path; cluster start not included)
     */
    public record Result(String path, int models, double seconds, double startSeconds) {
        public double modelsPerMinute() {
            return models * 60.0 / seconds;
        }

        /** Models per minute of one cold invocation: session start plus one run. */
        public double coldModelsPerMinute() {
            return models * 60.0 / (seconds + startSeconds);
        }
    }

    private ZooBenchmark() {
    }

    public static List<Result> run(List<Path> zoo, Path workDir, List<String> masters, int repeats, String version) {
        List<Result> out = new ArrayList<>();
        int[] n = {0};
        try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
            once(zoo, workDir, ex, version, n); // warm-up, discarded
            out.add(best("in-process", zoo, workDir, ex, version, n, repeats, 0));
        }
        JobSize size = JobSize.of(ZooDiscovery.find(zoo).stream().map(FileKey::of).toList(), ZooWork.DEFAULT_SPLIT_ABOVE);
        for (String m : masters) {
            LoopbackCluster cluster = CLUSTER.equals(m) ? LoopbackCluster.start(workDir.resolve("cluster"),
                    List.of(workDir.resolve("worker-0"), workDir.resolve("worker-1")), 1, "1g") : null;
            try (ZooExecutor ex = ZooExecutor.forMaster(cluster == null ? m : cluster.masterUrl())) {
                long t0 = System.nanoTime();
                ex.start(size);
                double start = (System.nanoTime() - t0) / 1e9;
                out.add(best(cluster == null ? m : "2 workers x 1 core", zoo, workDir, ex, version, n, repeats, start));
            } finally {
                if (cluster != null) {
                    cluster.close();
                }
            }
        }
        return out;
    }

    /**
     * Writes {@code count} synthetic checkpoints of mixed sizes: three BF16 layers (w×w, w×2w, 2w×w, seeded
     * Gaussian) with w cycling through 32, 64, … up to {@code maxWidth}; so with the default 1024 the files run
     * from 10 KB to 10 MB.
     */
    public static void generate(Path dir, int count, int maxWidth) {
        List<Integer> widths = new ArrayList<>();
        for (int w = 32; w <= maxWidth; w *= 2) {
            widths.add(w);
        }
        for (int i = 0; i < count; i++) {
            int w = widths.get(i % widths.size());
            long seed = 3L * i;
            SafetensorsWriter.write(dir.resolve(String.format("gen_%05d.safetensors", i)), List.of(
                    InspectBenchmark.bf16("l0.weight", w, w, seed), InspectBenchmark.bf16("l1.weight", 2 * w, w, seed + 1),
                    InspectBenchmark.bf16("l2.weight", w, 2 * w, seed + 2)), Map.of());
        }
    }

    private static Result best(String label, List<Path> zoo, Path dir, ZooExecutor ex, String version, int[] n,
                               int repeats, double start) {
        Result best = null;
        for (int r = 0; r < Math.max(1, repeats); r++) {
            Result x = once(zoo, dir, ex, version, n);
            if (best == null || x.seconds() < best.seconds()) {
                best = x;
            }
        }
        return new Result(label, best.models(), best.seconds(), start);
    }

    private static Result once(List<Path> zoo, Path dir, ZooExecutor ex, String version, int[] n) {
        Path catalog = dir.resolve("bench-" + (n[0]++) + ".duckdb");
        long t0 = System.nanoTime();
        ZooRunSummary s = ZooRun.run(zoo, catalog, ZooRun.defaultParquetDir(catalog), ex, version);
        return new Result(ex.master(), s.analyzed() + s.failed(), (System.nanoTime() - t0) / 1e9, 0);
    }
}
