package dev.loupe.zoo.job;

import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.catalog.ParquetRows;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.result.Failure;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooSchema;
import dev.loupe.zoo.spark.SparkSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The in-process path: tasks on a pool of threads, one per core (fewer when the heap cannot hold that
 * many of the largest task at once), Parquet written by DuckDB. The baseline the Spark path is measured
 * against, and the fastest choice on one machine: no Spark start-up, no task scheduling, no serialization.
 * Tasks side by side get one BLAS thread each (as Spark's tasks get their Spark CPUs); a lone task gets
 * them all.
 */
final class LocalExecutor implements ZooExecutor {
    @Override
    public Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress) {
        int threads = threads(work.size(), ZooWork.largestTaskBytes(work));
        int blas = threads == 1 ? 0 : Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
        List<LayerPart> done = new ArrayList<>(work.size());
        progress.start("zoo", work.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().factory())) {
            List<Future<LayerPart>> fs = new ArrayList<>(work.size());
            for (ZooWork w : work) {
                fs.add(pool.submit(() -> {
                    LayerPart p = ZooTask.part(w, version, blas);
                    progress.advance(1);
                    return p;
                }));
            }
            for (Future<LayerPart> f : fs) {
                done.add(f.get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            progress.done();
        }
        Map<FileKey, List<LayerPart>> parts = new LinkedHashMap<>(); // discovery order, parts in task order
        for (LayerPart p : done) {
            parts.computeIfAbsent(p.work().key(), k -> new ArrayList<>()).add(p);
        }
        List<ModelOutcome> out = parts.values().stream().map(ps -> ZooTask.assemble(ps, runId, version)).toList();
        List<List<Object>> models = out.stream().map(ModelOutcome::model).toList();
        List<List<Object>> layers = out.stream().flatMap(o -> o.layers().stream()).toList();
        ParquetRows.write(ZooSchema.MODELS, models, runDir.resolve("models").resolve("part-0.parquet"));
        ParquetRows.write(ZooSchema.LAYERS, layers, runDir.resolve("layers").resolve("part-0.parquet"));
        List<Failure> failures = out.stream().filter(o -> !o.ok())
                .map(o -> new Failure((String) o.get("path"), (String) o.get("error"))).toList();
        return new Counts(out.size() - failures.size(), failures.size(), layers.size(),
                failures.subList(0, Math.min(failures.size(), FAILURES_KEPT)), 0, null);
    }

    /** One thread per core, as many as the heap holds of the largest task ({@link SparkSettings#taskMemory}). */
    static int threads(int tasks, long largestTaskBytes) {
        long fit = Runtime.getRuntime().maxMemory() / SparkSettings.taskMemory(largestTaskBytes);
        return (int) Math.max(1, Math.min(Math.min(tasks, Runtime.getRuntime().availableProcessors()), fit));
    }

    @Override
    public String master() {
        return "none";
    }

    @Override
    public void close() {
    }
}
