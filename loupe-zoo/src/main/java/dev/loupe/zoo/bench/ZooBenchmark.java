package dev.loupe.zoo.bench;

import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.result.ZooRunSummary;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one zoo through the single-process path and each Spark master, every run into a fresh catalog
 * (so nothing is skipped). Each Spark master is timed twice: "cold" includes starting Spark (what a
 * user pays on one {@code loupe zoo} call), "warm" reuses the session (the steady-state cost of
 * Spark's scheduling, serialization and Parquet writing).
 */
public final class ZooBenchmark {
    /** One timed run. */
    public record Result(String path, int models, double seconds) {
        public double modelsPerMinute() {
            return models * 60.0 / seconds;
        }
    }

    private ZooBenchmark() {
    }

    public static List<Result> run(List<Path> zoo, Path workDir, List<String> masters, String version) {
        List<Result> out = new ArrayList<>();
        int[] n = {0};
        try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
            out.add(timed("single-process", zoo, workDir, ex, version, n));
        }
        for (String m : masters) {
            try (ZooExecutor ex = ZooExecutor.forMaster(m)) {
                out.add(timed("spark " + m + " cold", zoo, workDir, ex, version, n));
                out.add(timed("spark " + m + " warm", zoo, workDir, ex, version, n));
            }
        }
        return out;
    }

    private static Result timed(String label, List<Path> zoo, Path dir, ZooExecutor ex, String version, int[] n) {
        Path catalog = dir.resolve("bench-" + (n[0]++) + ".duckdb");
        long t0 = System.nanoTime();
        ZooRunSummary s = ZooRun.run(zoo, catalog, ZooRun.defaultParquetDir(catalog), ex, version);
        return new Result(label, s.analyzed() + s.failed(), (System.nanoTime() - t0) / 1e9);
    }
}
