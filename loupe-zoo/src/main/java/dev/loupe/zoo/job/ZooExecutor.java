package dev.loupe.zoo.job;

import dev.loupe.zoo.discover.FileKey;

import java.nio.file.Path;
import java.util.List;

/** Analyzes checkpoints and writes their rows as Parquet: {@code runDir/models/*.parquet}, {@code runDir/layers/*.parquet}. */
public interface ZooExecutor extends AutoCloseable {
    /** What an executor wrote. */
    record Counts(int analyzed, int failed, long layers) {
    }

    Counts run(List<FileKey> keys, String runId, String version, Path runDir);

    /** Starts whatever the executor needs before the first run (the Spark session); a no-op otherwise. */
    default void start() {
    }

    /** "none" for the single-process path, else the Spark master. */
    String master();

    @Override
    void close();

    /** The executor for a {@code --master} value: "none" runs in this process, anything else on Spark. */
    static ZooExecutor forMaster(String master) {
        return "none".equals(master) ? new LocalExecutor() : new SparkExecutor(master);
    }
}
