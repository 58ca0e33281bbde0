package dev.loupe.zoo.job;

import dev.loupe.core.progress.Progress;

import java.nio.file.Path;
import java.util.List;

/** Runs a zoo's tasks and writes their rows as Parquet: {@code runDir/models/*.parquet}, {@code runDir/layers/*.parquet}. */
public interface ZooExecutor extends AutoCloseable {
    /** What an executor wrote. */
    record Counts(int analyzed, int failed, long layers) {
    }

    /**
     * @param work     the tasks ({@link ZooWork#plan}); a split checkpoint's parts become one model row
     * @param progress advanced by one per finished task
     */
    Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress);

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
