package dev.loupe.zoo.bench;

import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.result.ZooRunSummary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one zoo through the single-process path and each Spark master, every run into a fresh catalog
 * (so nothing is skipped). A discarded single-process pass first warms the JIT, OpenBLAS and DuckDB,
 * so the baseline is not charged for the JVM's start. For each Spark master the session start is
 * timed apart from the runs (the first start in a JVM also loads Spark's classes), then the zoo is
 * run {@code repeats} times on the live session and the fastest run is kept.
 */
public final class ZooBenchmark {
    /**
     * @param path          "single-process" or the Spark master
     * @param models        checkpoints per run
     * @param seconds       fastest run, session already up
     * @param startSeconds  Spark session start (0 for the single-process path)
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
            out.add(best("single-process", zoo, workDir, ex, version, n, repeats, 0));
        }
        for (String m : masters) {
            try (ZooExecutor ex = ZooExecutor.forMaster(m)) {
                long t0 = System.nanoTime();
                ex.start();
                double start = (System.nanoTime() - t0) / 1e9;
                out.add(best(m, zoo, workDir, ex, version, n, repeats, start));
            }
        }
        return out;
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
