package dev.loupe.zoo;

import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.catalog.QueryResult;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.result.ZooRunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark path on local[2] (one Spark start, a small subset: Spark costs seconds to start) gives
 * the same catalog as the single-process path, records a corrupt file, and resumes; with
 * {@code --split-above 0} (every checkpoint one task per layer) the catalog is still the same.
 */
class TestSparkZooRun {
    @TempDir
    Path tmp;

    @Test
    void sparkCatalogEqualsLocalCatalog() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 4);
        ZooFixtures.corrupt(zoo);
        Path local = tmp.resolve("local.duckdb");
        Path spark = tmp.resolve("spark.duckdb");
        Path splitCatalog = tmp.resolve("split.duckdb");
        try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
            ZooRun.run(List.of(zoo), local, ZooRun.defaultParquetDir(local), ex, "test");
        }
        try (ZooExecutor ex = ZooExecutor.forMaster("local[2]")) {
            ZooRunSummary s = ZooRun.run(List.of(zoo), spark, ZooRun.defaultParquetDir(spark), ex, "test");
            assertEquals(4, s.analyzed());
            assertEquals(1, s.failed());
            assertEquals(12, s.layers());
            assertEquals("local[2]", s.master());
            ZooRunSummary again = ZooRun.run(List.of(zoo), spark, ZooRun.defaultParquetDir(spark), ex, "test");
            assertEquals(5, again.skipped());
            // Threshold 0: every checkpoint split into one task per layer (the broken file stays one task).
            CountingProgress p = new CountingProgress();
            ZooRunSummary split = ZooRun.run(List.of(zoo), splitCatalog, ZooRun.defaultParquetDir(splitCatalog), ex,
                    "test", 0, p);
            assertEquals(4, split.analyzed());
            assertEquals(1, split.failed());
            assertEquals(12, split.layers());
            assertEquals(13, p.total.get());
            // Task-end events reach the listener asynchronously, so the last few may land after the job.
            assertTrue(p.advanced.get() <= 13 && p.done, "advanced " + p.advanced.get());
        }
        String layers = "SELECT * EXCLUDE (run_id, seconds) FROM layers ORDER BY path, layer_id";
        String models = "SELECT * EXCLUDE (run_id, seconds, analyzed_at) FROM models ORDER BY path";
        try (Catalog a = Catalog.openExisting(local); Catalog b = Catalog.openExisting(spark)) {
            assertRowsEqual(a.query(layers), b.query(layers));
            assertRowsEqual(a.query(models), b.query(models));
            assertEquals(1, b.query("SELECT * FROM failures").rows().size());
        }
        try (Catalog a = Catalog.openExisting(local); Catalog c = Catalog.openExisting(splitCatalog)) {
            assertRowsEqual(a.query(layers), c.query(layers));
            assertRowsEqual(a.query(models), c.query(models));
        }
    }

    private static void assertRowsEqual(QueryResult want, QueryResult got) {
        assertEquals(want.columns(), got.columns());
        assertEquals(want.rows().size(), got.rows().size());
        for (int i = 0; i < want.rows().size(); i++) {
            for (int j = 0; j < want.columns().size(); j++) {
                Object w = want.rows().get(i).get(j);
                Object g = got.rows().get(i).get(j);
                if (w instanceof Double dw) {
                    assertEquals(dw, (Double) g, 0.0, want.columns().get(j));
                } else {
                    assertEquals(w, g, want.columns().get(j));
                }
            }
        }
    }
}
