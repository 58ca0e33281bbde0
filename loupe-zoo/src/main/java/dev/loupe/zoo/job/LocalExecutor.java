package dev.loupe.zoo.job;

import dev.loupe.core.progress.Progress;
import dev.loupe.zoo.catalog.ParquetRows;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooSchema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-process path: tasks one after another on the calling thread, Parquet written by
 * DuckDB. The baseline the Spark path is measured against, and the fastest choice for small zoos
 * (no Spark start-up, no task scheduling, no serialization).
 */
final class LocalExecutor implements ZooExecutor {
    @Override
    public Counts run(List<ZooWork> work, String runId, String version, Path runDir, Progress progress) {
        Map<FileKey, List<LayerPart>> parts = new LinkedHashMap<>(); // discovery order, parts in task order
        progress.start("zoo", work.size());
        try {
            for (ZooWork w : work) {
                parts.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(ZooTask.part(w, version, 0));
                progress.advance(1);
            }
        } finally {
            progress.done();
        }
        List<ModelOutcome> out = parts.values().stream().map(ps -> ZooTask.assemble(ps, runId, version)).toList();
        List<List<Object>> models = out.stream().map(ModelOutcome::model).toList();
        List<List<Object>> layers = out.stream().flatMap(o -> o.layers().stream()).toList();
        ParquetRows.write(ZooSchema.MODELS, models, runDir.resolve("models").resolve("part-0.parquet"));
        ParquetRows.write(ZooSchema.LAYERS, layers, runDir.resolve("layers").resolve("part-0.parquet"));
        int failed = (int) out.stream().filter(o -> !o.ok()).count();
        return new Counts(out.size() - failed, failed, layers.size());
    }

    @Override
    public String master() {
        return "none";
    }

    @Override
    public void close() {
    }
}
