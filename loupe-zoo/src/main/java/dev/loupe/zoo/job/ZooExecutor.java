package dev.loupe.zoo.job;

import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.result.Failure;
import dev.loupe.zoo.spark.SparkSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Runs a zoo's tasks and writes their rows as Parquet: {@code runDir/models/*.parquet}, {@code runDir/layers/*.parquet}. */
public interface ZooExecutor extends AutoCloseable {
    /** Failed checkpoints an executor names (sorted by path); the rest are only counted. */
    int FAILURES_KEPT = 20;

    /**
     * What an executor wrote.
     *
     * @param failures       up to {@link #FAILURES_KEPT} failed checkpoints with their errors
     * @param failedAttempts task attempts that failed and were retried (Spark), not counted as failures
     * @param firstAttempt   the first such attempt's reason, or null
     */
    record Counts(int analyzed, int failed, long layers, List<Failure> failures, int failedAttempts,
                  String firstAttempt) {
        public Counts {
            failures = List.copyOf(failures);
        }

        static final Counts NONE = new Counts(0, 0, 0, List.of(), 0, null);
    }

    /**
     * @param work     the tasks ({@link ZooWork#plan}); a split checkpoint's parts become one model row
     * @param progress advanced by one per finished task
     */
    Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress);

    /**
     * Starts whatever the executor needs before the first run (the Spark session, sized for the largest
     * task); a no-op otherwise.
     */
    default void start(JobSize size) {
    }

    /** "none" for the single-process path, else the Spark master. */
    String master();

    @Override
    void close();

    /** The default {@code --master}: in-process or a configured cluster, by the work ({@link AutoExecutor}). */
    String AUTO = "auto";

    /** The executor for a {@code --master} value with no user Spark settings and nothing said. */
    static ZooExecutor forMaster(String master) {
        return forMaster(master, SparkSettings.none(), line -> { });
    }

    /**
     * The executor for a {@code --master} value: "none" runs in this process, "auto" chooses, anything else
     * runs on Spark.
     *
     * @param settings the user's Spark settings
     * @param say      one line per choice made for the user (executor memory, jars, executors' Java)
     */
    static ZooExecutor forMaster(String master, SparkSettings settings, Consumer<String> say) {
        return switch (master) {
            case "none" -> new LocalExecutor();
            case AUTO -> new AutoExecutor(settings, say);
            default -> new SparkExecutor(master, settings, say);
        };
    }
}
