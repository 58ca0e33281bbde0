package dev.loupe.zoo.result;

import java.util.List;

/**
 * What one {@code loupe zoo} run did.
 *
 * @param runId     the run's id (its Parquet directory is {@code run-<runId>})
 * @param master    Spark master, or "none" for the single-process path
 * @param found     checkpoints discovered
 * @param skipped   already in the catalog with the same path, size and head hash
 * @param analyzed  analyzed successfully in this run
 * @param failed    recorded with their error in this run
 * @param layers    layer rows written in this run
 * @param seconds   wall time of the analysis, discovery and writing included
 * @param failures  the first failed checkpoints (by path) with their errors; {@code failed} counts them all
 * @param retried   task attempts that failed on an executor and were retried (not failures of a checkpoint)
 * @param firstRetry the first such attempt's reason, or null
 */
public record ZooRunSummary(String runId, String master, int found, int skipped, int analyzed, int failed,
                            long layers, double seconds, List<Failure> failures, int retried, String firstRetry) {
    public ZooRunSummary {
        failures = List.copyOf(failures);
    }

    /** Models analyzed or recorded per minute of wall time. */
    public double modelsPerMinute() {
        return seconds <= 0 ? Double.NaN : (analyzed + failed) * 60.0 / seconds;
    }
}
