package dev.loupe.zoo;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.Backends;
import dev.loupe.spectral.analysis.InspectOptions;
import dev.loupe.spectral.analysis.Inspector;
import dev.loupe.spectral.result.InspectResult;
import dev.loupe.spectral.result.LayerMetrics;
import dev.loupe.spectral.result.MetricColumns;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.catalog.QueryResult;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.job.ZooWork;
import dev.loupe.zoo.result.ZooRunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-process path end to end: catalog = inspect's output, resume, a corrupt file, queries. */
class TestLocalZooRun {
    @TempDir
    Path tmp;

    private ZooRunSummary run(Path zoo, Path catalog) {
        try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
            return ZooRun.run(List.of(zoo), catalog, ZooRun.defaultParquetDir(catalog), ex, "test");
        }
    }

    @Test
    void catalogHoldsInspectsOutputForEveryLayer() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 3);
        // Whole checkpoints (one task each), then split (threshold 0: one task per layer): both = inspect.
        for (long splitAbove : new long[]{ZooWork.DEFAULT_SPLIT_ABOVE, 0}) {
            Path catalog = tmp.resolve("zoo-" + splitAbove + ".duckdb");
            CountingProgress p = new CountingProgress();
            ZooRunSummary s;
            try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
                s = ZooRun.run(List.of(zoo), catalog, ZooRun.defaultParquetDir(catalog), ex, "test", splitAbove, p);
            }
            long tasks = splitAbove == 0 ? 9 : 3;
            assertEquals(tasks, p.total.get());
            assertEquals(tasks, p.advanced.get());
            assertTrue(p.done);
            assertEquals(3, s.found());
            assertEquals(3, s.analyzed());
            assertEquals(9, s.layers()); // three Linear layers per MLP
            assertCatalogIsInspect(zoo, catalog);
        }
    }

    private static void assertCatalogIsInspect(Path zoo, Path catalog) {
        try (Catalog c = Catalog.openExisting(catalog)) {
            for (int i = 0; i < 3; i++) {
                Path f = zoo.resolve(String.format("mlp_%02d.safetensors", i)).toAbsolutePath().normalize();
                InspectResult expected;
                try (Checkpoint cp = Checkpoints.open(f)) {
                    expected = new Inspector(Backends.best(), InspectOptions.defaults()).inspect(cp, Progress.NONE, "x", false);
                }
                QueryResult rows = c.query("SELECT * FROM layers WHERE path = '" + f + "' ORDER BY layer_id");
                assertEquals(expected.layers().size(), rows.rows().size());
                for (int l = 0; l < expected.layers().size(); l++) {
                    LayerMetrics m = expected.layers().get(l);
                    List<Object> row = rows.rows().get(l);
                    for (MetricColumns.Column col : MetricColumns.ALL) {
                        if (col.name().equals("seconds")) {
                            continue; // wall time differs run to run
                        }
                        Object want = col.value().apply(m);
                        Object got = row.get(rows.columns().indexOf(col.name()));
                        assertSame(col.name(), want, got);
                    }
                }
                QueryResult model = c.query("SELECT alpha, log_norm, stable_rank, layers, status, "
                        + "alpha_weighted, log_spectral_norm, layers_with_fit, mp_softrank FROM models WHERE path = '" + f + "'");
                assertEquals(1, model.rows().size());
                assertEquals(expected.summary().alpha(), (Double) model.rows().get(0).get(0), 0.0);
                assertEquals(expected.summary().logNorm(), (Double) model.rows().get(0).get(1), 0.0);
                assertEquals(expected.summary().stableRank(), (Double) model.rows().get(0).get(2), 0.0);
                assertEquals(expected.summary().alphaWeighted(), (Double) model.rows().get(0).get(5), 0.0);
                assertEquals(expected.summary().logSpectralNorm(), (Double) model.rows().get(0).get(6), 0.0);
                assertEquals((long) expected.summary().layersWithFit(), model.rows().get(0).get(7));
                assertEquals(expected.summary().mpSoftrank(), (Double) model.rows().get(0).get(8), 0.0);
                assertEquals((long) expected.summary().layers(), model.rows().get(0).get(3));
                assertEquals("ok", model.rows().get(0).get(4));
            }
        }
    }

    /** Equal as the catalog stores it: counts as BIGINT, reals as DOUBLE (NaN = NaN), text as text. */
    static void assertSame(String col, Object want, Object got) {
        if (want == null) {
            assertEquals(null, got, col);
        } else if (want instanceof Double || want instanceof Float) {
            assertEquals(((Number) want).doubleValue(), ((Number) got).doubleValue(), 0.0, col);
        } else if (want instanceof Number n) {
            assertEquals(n.longValue(), ((Number) got).longValue(), col);
        } else {
            assertEquals(want.toString(), got.toString(), col);
        }
    }

    @Test
    void resumeSkipsDoneFilesAndRedoesChangedOnes() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 3);
        Path catalog = tmp.resolve("zoo.duckdb");
        run(zoo, catalog);
        ZooRunSummary again = run(zoo, catalog);
        assertEquals(3, again.skipped());
        assertEquals(0, again.analyzed() + again.failed());
        // A replaced file (same name, other weights) changes the key and is analyzed again.
        Files.copy(ZooFixtures.ZOO.resolve("mlp_05.safetensors"), zoo.resolve("mlp_01.safetensors"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ZooRunSummary third = run(zoo, catalog);
        assertEquals(2, third.skipped());
        assertEquals(1, third.analyzed());
        try (Catalog c = Catalog.openExisting(catalog)) {
            assertEquals(3L, c.query("SELECT count(*) FROM models").rows().get(0).get(0));
            assertEquals(4L, c.query("SELECT count(*) FROM models_all").rows().get(0).get(0));
            assertEquals(3L, c.query("SELECT count(*) FROM runs").rows().get(0).get(0));
            assertEquals(9L, c.query("SELECT count(*) FROM layers").rows().get(0).get(0));
        }
    }

    @Test
    void corruptFileIsRecordedAndDoesNotStopTheRun() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 2);
        Path bad = ZooFixtures.corrupt(zoo).toAbsolutePath().normalize();
        Path catalog = tmp.resolve("zoo.duckdb");
        ZooRunSummary s = run(zoo, catalog);
        assertEquals(3, s.found());
        assertEquals(2, s.analyzed());
        assertEquals(1, s.failed());
        try (Catalog c = Catalog.openExisting(catalog)) {
            QueryResult f = c.query("SELECT path, error FROM failures");
            assertEquals(1, f.rows().size());
            assertEquals(bad.toString(), f.rows().get(0).get(0));
            String err = (String) f.rows().get(0).get(1);
            assertTrue(err.contains("broken.safetensors") && err.length() < 400, err);
            assertEquals(0L, c.query("SELECT count(*) FROM layers WHERE path = '" + bad + "'").rows().get(0).get(0));
        }
        // Recorded failures count as done: a resumed run does not retry an unchanged broken file.
        assertEquals(3, run(zoo, catalog).skipped());
    }

    @Test
    void emptyCatalogHasTypedEmptyViews() {
        Path catalog = tmp.resolve("empty.duckdb");
        try (Catalog c = Catalog.open(catalog)) {
            QueryResult r = c.query("SELECT * FROM layers");
            assertEquals(0, r.rows().size());
            assertTrue(r.columns().contains("alpha") && r.columns().contains("path"));
        }
    }
}
