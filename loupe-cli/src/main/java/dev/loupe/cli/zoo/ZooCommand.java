package dev.loupe.cli.zoo;

import dev.loupe.cli.TerminalProgress;
import dev.loupe.cli.Version;
import dev.loupe.core.LoupeException;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.job.ZooWork;
import dev.loupe.zoo.result.ZooRunSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe zoo}: inspect every checkpoint under the given paths into a catalog. */
@Command(name = "zoo", mixinStandardHelpOptions = true, subcommands = {ZooQueryCommand.class, ZooMapCommand.class},
        description = {"Inspect every checkpoint under PATH into a queryable DuckDB catalog, on Apache Spark.",
                "Searches recursively for any supported format; runs as a Spark job, one task per checkpoint (per layer above --split-above), or in this process with --master none. Per-model and per-layer",
                "metrics are written as Parquet and registered in a DuckDB catalog. Resumable: a file already in",
                "the catalog with the same path, size and SHA-256 of its first MiB is skipped; a file that cannot",
                "be analyzed is recorded with its error and the run goes on.",
                "",
                "Catalog views (query with: loupe zoo query --catalog FILE \"SQL\"):",
                "  models     latest analysis of each checkpoint: path, file_name, size_bytes, head_hash, format,",
                "             status (ok|error), error, layers, parameters, alpha, alpha_weighted, log_norm,",
                "             log_alpha_norm, log_spectral_norm, stable_rank, mp_softrank, pl_alpha_hill, ...",
                "  layers     one row per analyzed matrix of those analyses: path, run_id and every column of",
                "             loupe inspect --csv (WeightWatcher's names)",
                "  failures   path, error of the checkpoints whose latest analysis failed",
                "  runs       one row per loupe zoo run (master, counts, seconds, Parquet directory)",
                "  models_all, layers_all   every row of every run (history)",
                ""})
public final class ZooCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Checkpoint files or directories to search.")
    List<Path> paths;

    @Option(names = "--catalog", paramLabel = "FILE", description = "DuckDB catalog file (created if missing).")
    Path catalog;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL|none",
            description = "Spark master: local[*] (default), local[N], spark://host:port, ...; 'none' runs in this "
                    + "process without Spark (fastest for small zoos).")
    String master;

    @Option(names = "--parquet", paramLabel = "DIR",
            description = "Where the Parquet goes (default: beside the catalog, zoo.duckdb -> zoo.parquet/).")
    Path parquet;

    @Option(names = "--split-above", paramLabel = "BYTES", defaultValue = "" + ZooWork.DEFAULT_SPLIT_ABOVE,
            description = "Checkpoints larger than this are analyzed as one task per layer, so one huge model "
                    + "spreads over the cores/cluster (default: ${DEFAULT-VALUE} = 2 GiB; 0 splits every checkpoint).")
    long splitAbove;

    @Option(names = "--quiet", description = "No progress bar (there is none either when stderr is not a terminal).")
    boolean quiet;

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
        ZooRunSummary s;
        try (ZooExecutor ex = ZooExecutor.forMaster(master)) {
            s = ZooRun.run(paths, catalog, pq, ex, Version.number(), splitAbove, TerminalProgress.forTerminal(quiet));
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%d checkpoints found, %d already in the catalog, %d analyzed, %d failed%n",
                s.found(), s.skipped(), s.analyzed(), s.failed());
        w.printf(Locale.ROOT, "%d layer rows, %.1f s (%.1f models/min) on %s%n", s.layers(), s.seconds(),
                s.modelsPerMinute(), s.master());
        w.printf("catalog %s, Parquet %s%n", catalog, s.analyzed() + s.failed() > 0 ? Catalog.runDir(pq, s.runId()) : "(nothing new)");
        if (s.failed() > 0) {
            w.printf("failures: loupe zoo query --catalog %s \"SELECT * FROM failures\"%n", catalog);
        }
        w.flush();
        return 0;
    }
}
