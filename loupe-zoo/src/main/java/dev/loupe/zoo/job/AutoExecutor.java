package dev.loupe.zoo.job;

import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.spark.SparkSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code --master auto}: the in-process path, unless the user configured a Spark cluster
 * ({@code spark.master} in spark-defaults.conf or {@code --conf}) and the work is big enough that
 * starting there pays off. On one machine Spark never pays off: local[*] runs the same tasks on the same
 * cores as the in-process pool, after a 5–16 s start and with ~20–45 ms of scheduling and serialization
 * per task (measured: loupe-zoo/README.md, {@code loupe bench zoo}). A cluster brings more cores, at the
 * price of its start: chosen when the work would take this machine longer than {@link #CLUSTER_PAYS_OFF_SECONDS}.
 */
final class AutoExecutor implements ZooExecutor {
    /** Ten times a cluster application's start (~10–20 s with executors) keeps the start under 10 % of the run. */
    static final double CLUSTER_PAYS_OFF_SECONDS = 120;

    private final SparkSettings settings;
    private final Consumer<String> say;
    private ZooExecutor chosen;

    AutoExecutor(SparkSettings settings, Consumer<String> say) {
        this.settings = settings;
        this.say = say;
    }

    /** The master for this much work, and why, in one line. */
    static Choice choose(JobSize size, String configured, int cores) {
        double est = size.estimatedSeconds(cores);
        String work = String.format(Locale.ROOT, "%d checkpoints, %.1f MB, ~%.0f s of analysis on this machine's %d cores",
                size.checkpoints(), size.totalBytes() / 1e6, est, cores);
        if (configured == null || SparkSettings.isLocal(configured)) {
            return new Choice("none", "in-process (" + work + "; Spark local[*] would run the same tasks on the same "
                    + "cores after a 5-16 s start; --master spark://HOST:PORT uses a cluster)");
        }
        if (est > CLUSTER_PAYS_OFF_SECONDS) {
            return new Choice(configured, "Spark on " + configured + " from spark.master (" + work + ", above the "
                    + (int) CLUSTER_PAYS_OFF_SECONDS + " s where a cluster's start pays off)");
        }
        return new Choice("none", "in-process (" + work + ", under the " + (int) CLUSTER_PAYS_OFF_SECONDS
                + " s where starting Spark on " + configured + " pays off; --master " + configured + " forces it)");
    }

    record Choice(String master, String why) {
    }

    @Override
    public void start(JobSize size) {
        if (chosen == null) {
            Choice c = choose(size, settings.master(), Runtime.getRuntime().availableProcessors());
            say.accept("--master auto: " + c.why());
            chosen = ZooExecutor.forMaster(c.master(), settings, say);
        }
        chosen.start(size);
    }

    @Override
    public Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress) {
        if (chosen == null) {
            throw new IllegalStateException("start() first");
        }
        return chosen.run(work, runId, version, runDir, progress);
    }

    @Override
    public String master() {
        return chosen == null ? "auto" : chosen.master();
    }

    @Override
    public void close() {
        if (chosen != null) {
            chosen.close();
        }
    }
}
