package dev.loupe.zoo;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.catalog.QueryResult;
import dev.loupe.zoo.discover.ZooDiscovery;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.result.ZooRunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sharded checkpoint (Hugging Face index + shards) is one model in the catalog: found as its index,
 * its shards not again as models of their own, its size the sum of its files (so {@code --split-above}
 * sees the whole model), its layers those of the unsharded file. Was: each shard a "model" of its own.
 */
class TestShardedZooRun {
    @TempDir
    Path tmp;

    @Test
    void shardIndexIsOneModelWithTheLayersOfTheWholeFile() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 1);
        Path whole = ZooFixtures.ZOO.resolve("mlp_04.safetensors");
        Path index = writeShards(whole, Files.createDirectories(zoo.resolve("sharded")));
        Path shard2 = index.resolveSibling("model-00002-of-00002.safetensors");
        assertEquals(List.of(zoo.resolve("mlp_00.safetensors").toAbsolutePath().normalize(), index),
                ZooDiscovery.find(List.of(zoo)));
        long size = Files.size(index) + Files.size(index.resolveSibling("model-00001-of-00002.safetensors"))
                + Files.size(shard2);
        InspectResult expected;
        try (Checkpoint cp = Checkpoints.open(whole)) {
            expected = new Inspector(Backends.best(), InspectOptions.defaults()).inspect(cp, Progress.NONE, "x", false);
        }
        Path catalog = tmp.resolve("zoo.duckdb");
        // Threshold just below the sharded model's total size: each shard and mlp_00 are smaller, yet the model
        // is split (one task per layer): the split sees the whole model, not one file.
        CountingProgress p = new CountingProgress();
        ZooRunSummary s = run(zoo, catalog, size - 1, p);
        assertEquals(2, s.found());
        assertEquals(2, s.analyzed());
        assertEquals(6, s.layers());
        assertEquals(1 + 3, p.total.get());
        try (Catalog c = Catalog.openExisting(catalog)) {
            QueryResult m = c.query("SELECT size_bytes, layers, alpha FROM models WHERE path = '" + index + "'");
            assertEquals(1, m.rows().size());
            assertEquals(size, m.rows().get(0).get(0));
            assertEquals(3L, m.rows().get(0).get(1));
            assertEquals(expected.summary().alpha(), (Double) m.rows().get(0).get(2), 0.0);
            QueryResult l = c.query("SELECT layer_id, alpha, log_norm FROM layers WHERE path = '" + index
                    + "' ORDER BY layer_id");
            assertEquals(3, l.rows().size());
            for (int i = 0; i < 3; i++) {
                assertEquals((long) i, ((Number) l.rows().get(i).get(0)).longValue());
                assertEquals(expected.layers().get(i).alpha(), (Double) l.rows().get(i).get(1), 0.0);
                assertEquals(expected.layers().get(i).logNorm(), (Double) l.rows().get(i).get(2), 0.0);
            }
        }
        // A truncated shard changes the model's key: analyzed again, recorded as a failure naming the shard.
        try (FileChannel ch = FileChannel.open(shard2, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 100);
        }
        ZooRunSummary again = run(zoo, catalog, size - 1, Progress.NONE);
        assertEquals(1, again.skipped());
        assertEquals(1, again.failed());
        try (Catalog c = Catalog.openExisting(catalog)) {
            String err = (String) c.query("SELECT error FROM failures").rows().get(0).get(0);
            assertTrue(err.contains("model-00002-of-00002.safetensors"), err);
        }
    }

    private static ZooRunSummary run(Path zoo, Path catalog, long splitAbove, Progress p) {
        try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
            return ZooRun.run(List.of(zoo), catalog, ZooRun.defaultParquetDir(catalog), ex, "test", splitAbove, p);
        }
    }

    /** The file's tensors in two shards (first tensor alone, the rest) and a Hugging Face style index. */
    private static Path writeShards(Path whole, Path dir) throws Exception {
        try (Checkpoint cp = Checkpoints.open(whole)) {
            List<Tensor> all = cp.tensors();
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), all.subList(0, 1), Map.of());
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), all.subList(1, all.size()), Map.of());
            StringBuilder map = new StringBuilder();
            for (int i = 0; i < all.size(); i++) {
                map.append(i == 0 ? "" : ",").append('"').append(all.get(i).name()).append("\":\"model-0000")
                        .append(i == 0 ? 1 : 2).append("-of-00002.safetensors\"");
            }
            Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{" + map + "}}");
        }
        return dir.resolve("model.safetensors.index.json").toAbsolutePath().normalize();
    }
}
