package dev.loupe.zoo.job;

import dev.loupe.core.LoupeException;
import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.catalog.ParquetCheck;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.discover.ZooDiscovery;
import dev.loupe.zoo.result.ZooRunSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One {@code loupe zoo} run: discover, skip what the catalog already has, analyze the rest, write
 * Parquet into a hidden directory, check it holds every row the tasks reported, rename it into place,
 * then register the run. A run that dies half-way, or whose Parquet is not where this process can read
 * it, leaves only an unregistered hidden directory, so the next run simply redoes its files.
 */
public final class ZooRun {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /**
     * @param splitAbove  checkpoints larger than this many bytes are analyzed one task per layer
     * @param retryFailed analyze again the checkpoints whose recorded analysis failed
     * @param progress    counts finished tasks (checkpoints, or layers of split checkpoints)
     * @param say         one line per choice or warning for the user
     */
    public record Options(long splitAbove, boolean retryFailed, Progress progress, Consumer<String> say) {
        public static Options defaults() {
            return new Options(ZooWork.DEFAULT_SPLIT_ABOVE, false, Progress.NONE, line -> { });
        }
    }

    private ZooRun() {
    }

    /** The default Parquet directory: beside the catalog, {@code zoo.duckdb} → {@code zoo.parquet/}. */
    public static Path defaultParquetDir(Path catalog) {
        String n = catalog.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return catalog.toAbsolutePath().resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".parquet");
    }

    /** A run with the default options. */
    public static ZooRunSummary run(List<Path> roots, Path catalogFile, Path parquetDir, ZooExecutor executor,
                                    String version) {
        return run(roots, catalogFile, parquetDir, executor, version, Options.defaults());
    }

    /** A run with the default options but {@code --split-above} and a progress display. */
    public static ZooRunSummary run(List<Path> roots, Path catalogFile, Path parquetDir, ZooExecutor executor,
                                    String version, long splitAbove, Progress progress) {
        return run(roots, catalogFile, parquetDir, executor, version, new Options(splitAbove, false, progress, l -> { }));
    }

    public static ZooRunSummary run(List<Path> roots, Path catalogFile, Path parquetDir, ZooExecutor executor,
                                    String version, Options o) {
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        String runId = ID.format(started);
        List<Path> files = ZooDiscovery.find(roots);
        if (files.isEmpty()) {
            throw new LoupeException(roots.getFirst(), "holds no checkpoints (.safetensors, .onnx, .gguf, .pt, .pth, .bin)"
                    + (roots.size() > 1 ? ", nor do the other " + (roots.size() - 1) + " paths" : ""));
        }
        List<FileKey> keys = files.stream().map(ZooRun::key).toList();
        // Start Spark before the catalog exists, so a master that cannot start leaves no catalog behind.
        executor.start(JobSize.of(keys, o.splitAbove()));
        try (Catalog catalog = Catalog.open(catalogFile)) {
            removeKilledRuns(parquetDir);
            catalog.warnings().forEach(o.say());
            Set<FileKey> done = catalog.recordedKeys(!o.retryFailed());
            List<FileKey> todo = keys.stream().filter(k -> !done.contains(k)).toList();
            ZooExecutor.Counts counts = ZooExecutor.Counts.NONE;
            if (!todo.isEmpty()) {
                Path finalDir = Catalog.runDir(parquetDir, runId);
                Path tmp = parquetDir.resolve(".tmp-run-" + runId);
                counts = executor.run(ZooWork.plan(todo, o.splitAbove()), runId, version, tmp, o.progress());
                ParquetCheck.verify(tmp, counts.analyzed() + counts.failed(), counts.layers());
                move(tmp, finalDir);
            }
            ZooRunSummary s = new ZooRunSummary(runId, executor.master(), files.size(), files.size() - todo.size(),
                    counts.analyzed(), counts.failed(), counts.layers(), (System.nanoTime() - t0) / 1e9,
                    counts.failures(), counts.failedAttempts(), counts.firstAttempt());
            catalog.recordRun(s, started.toString(), parquetDir, version);
            return s;
        }
    }

    /** An unreadable file gets a placeholder key, so its task records the error; once readable it gets its real key. */
    private static FileKey key(Path f) {
        try {
            return FileKey.of(f);
        } catch (LoupeException e) {
            return new FileKey(f.toAbsolutePath().normalize().toString(), -1, "unreadable");
        }
    }

    /**
     * Deletes the {@code .tmp-run-*} folders that killed runs left in {@code parquetDir}. Only a run holding the
     * catalog open for writing gets here, and DuckDB lets one process at a time do that, so none is in use.
     */
    private static void removeKilledRuns(Path parquetDir) {
        if (!Files.isDirectory(parquetDir)) {
            return;
        }
        try (var dirs = Files.newDirectoryStream(parquetDir, ".tmp-run-*")) {
            for (Path d : dirs) {
                try (var tree = Files.walk(d)) {
                    for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // leftovers of someone else's crash must not stop this run
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LoupeException(to, "cannot move the run's Parquet into place: " + e.getMessage());
        }
    }
}
