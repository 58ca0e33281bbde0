package dev.loupe.zoo.job;

import dev.loupe.zoo.catalog.ParquetRows;
import dev.loupe.zoo.discover.FileKey;
import dev.loupe.zoo.result.ModelOutcome;
import dev.loupe.zoo.result.ZooSchema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The single-process path: checkpoints one after another on the calling thread, Parquet written by
 * DuckDB. The baseline the Spark path is measured against, and the fastest choice for small zoos
 * (no Spark start-up, no task scheduling, no serialization).
 */
final class LocalExecutor implements ZooExecutor {
    @Override
    public Counts run(List<FileKey> keys, String runId, String version, Path runDir) {
        List<ModelOutcome> out = new ArrayList<>(keys.size());
        for (FileKey k : keys) {
            out.add(ZooTask.analyze(k, runId, version));
        }
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
