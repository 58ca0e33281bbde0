package dev.loupe.cli.zoo;

import dev.loupe.cli.QuietOption;
import dev.loupe.cli.Version;
import dev.loupe.core.LoupeException;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.job.ZooWork;
import dev.loupe.zoo.result.Failure;
import dev.loupe.zoo.result.ZooRunSummary;
import dev.loupe.zoo.spark.SparkSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code loupe zoo}: inspect every checkpoint under the given paths into a catalog. */
@Command(name = "zoo", mixinStandardHelpOptions = true, subcommands = {ZooQueryCommand.class, ZooMapCommand.class},
        description = {"Inspect every checkpoint under PATH into a queryable DuckDB catalog, in this process or on Apache Spark.",
                "Searches recursively for any supported format; one task per checkpoint (per layer above --split-above), on every core of this machine or as a Spark job (local or a cluster). Per-model and per-layer "
                + "metrics are written as Parquet and registered in a DuckDB catalog. Resumable: a file already in "
                + "the catalog with the same path, size and SHA-256 of its first MiB is skipped; a file that cannot "
                + "be analyzed is recorded with its error and the run goes on.",
                " "
                + "Catalog views (query with: loupe zoo query --catalog FILE \"SQL\"):",
                "  models     latest analysis of each checkpoint: path, file_name, size_bytes, head_hash, format, "
                + "             status (ok|error), error, layers, parameters, alpha, alpha_weighted, log_norm, "
                + "             log_alpha_norm, log_spectral_norm, stable_rank, mp_softrank, pl_alpha_hill, ...",
                "  layers     one row per analyzed matrix of those analyses: path, run_id and every column of "
                + "             loupe inspect --csv (WeightWatcher's names)",
                "  failures   path, error of the checkpoints whose latest analysis failed "
                + "  runs       one row per loupe zoo run (master, counts, seconds, Parquet directory)",
                "  models_all, layers_all   every row of every run (history)",
                ""})
public final class ZooCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Checkpoint files or directories to search.")
    List<Path> paths;

    @Option(names = "--catalog", paramLabel = "FILE", description = "DuckDB catalog file (created if missing).")
    Path catalog;

    @Option(names = "--master", defaultValue = ZooExecutor.AUTO, paramLabel = "auto|none|URL",
            description = "Where the tasks run. 'auto' (default): in this process on every core, unless spark.master "
                    + "(spark-defaults.conf or --conf) names a cluster and the work is big enough for it to pay off; "
                    + "it says which and why. 'none': in this process. A Spark master: local[N], local[*], "
                    + "spark://host:port (Loupe ships its jars to the executors: no spark.jars needed), ...")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "A Spark setting (repeatable), as spark-submit's --conf; it overrides "
                    + "$SPARK_CONF_DIR/spark-defaults.conf (else $SPARK_HOME/conf/spark-defaults.conf), which is read too.")
    List<String> conf = new ArrayList<>();

    @Option(names = "--retry-failed",
            description = "Analyze again the checkpoints whose recorded analysis failed (normally skipped until the file changes).")
    boolean retryFailed;

    @Option(names = "--parquet", paramLabel = "DIR",
            description = "Where the Parquet goes (default: beside the catalog, zoo.duckdb -> zoo.parquet/).")
    Path parquet;

    @Option(names = "--split-above", paramLabel = "BYTES", defaultValue = "" + ZooWork.DEFAULT_SPLIT_ABOVE,
            description = "Checkpoints larger than this are analyzed as one task per layer, so one huge model "
                    + "spreads over the cores/cluster (default: ${DEFAULT-VALUE} = 2 GiB; 0 splits every checkpoint).")
    long splitAbove;

    @picocli.CommandLine.Mixin
    QuietOption quiet;

    @Override
    public Integer call() {
        if (paths == null || paths.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return 0;
        }
        if (catalog == null) {
            throw new LoupeException(paths.getFirst(), "--catalog FILE is required (the DuckDB catalog to fill)");
        }
        if (splitAbove < 0) {
            throw new LoupeException(paths.getFirst(), "--split-above must be >= 0 bytes, got " + splitAbove);
        }
        Path pq = parquet != null ? parquet.toAbsolutePath() : ZooRun.defaultParquetDir(catalog);
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> say = line -> {
            err.println("loupe: " + line);
            err.flush();
        };
        SparkSettings settings = SparkSettings.of(conf, System.getenv());
        ZooRunSummary s;
        try (ZooExecutor ex = ZooExecutor.forMaster(master, settings, say)) {
            s = ZooRun.run(paths, catalog, pq, ex, Version.number(),
                    new ZooRun.Options(splitAbove, retryFailed, quiet.progress(false), say));
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%d checkpoints found, %d already in the catalog, %d analyzed, %d failed%n",
                s.found(), s.skipped(), s.analyzed(), s.failed());
        w.printf(Locale.ROOT, "%d layer rows, %.1f s (%.1f models/min) on %s%n", s.layers(), s.seconds(),
                s.modelsPerMinute(), s.master());
        w.printf("catalog %s, Parquet %s%n", catalog, s.analyzed() + s.failed() > 0 ? Catalog.runDir(pq, s.runId()) : "(nothing new)");
        for (Failure f : s.failures()) {
            w.printf("failed: %s: %s%n", f.path(), f.error());
        }
        if (s.failed() > s.failures().size()) {
            w.printf("... and %d more failed%n", s.failed() - s.failures().size());
        }
        if (s.failed() > 0) {
            w.printf("failures: loupe zoo query --catalog %s \"SELECT * FROM failures\" (--retry-failed analyzes them again)%n",
                    catalog);
        }
        if (s.retried() > 0) {
            w.printf(Locale.ROOT, "%d task attempts failed on an executor and were retried elsewhere (first: %s)%n",
                    s.retried(), s.firstRetry());
        }
        w.flush();
        return 0;
    }
}
