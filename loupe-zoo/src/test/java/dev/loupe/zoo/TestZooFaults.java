package dev.loupe.zoo;

import dev.loupe.core.LoupeException;
import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.catalog.ParquetCheck;
import dev.loupe.zoo.job.ZooExecutor;
import dev.loupe.zoo.job.ZooRun;
import dev.loupe.zoo.job.ZooWork;
import dev.loupe.zoo.result.ZooRunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults that must not poison the catalog, on the in-process path (the catalog side is the same for
 * Spark): a registered run whose Parquet is gone, Parquet that does not hold the reported rows, a
 * failure recorded and redone with --retry-failed, and failures named in the summary.
 */
class TestZooFaults {
    @TempDir
    Path tmp;

    private ZooRunSummary run(Path zoo, Path catalog, boolean retryFailed, List<String> said) {
        try (ZooExecutor ex = ZooExecutor.forMaster("none")) {
            return ZooRun.run(List.of(zoo), catalog, ZooRun.defaultParquetDir(catalog), ex, "test",
                    new ZooRun.Options(ZooWork.DEFAULT_SPLIT_ABOVE, retryFailed, dev.loupe.core.progress.Progress.NONE,
                            said::add));
        }
    }

    @Test
    void runWithoutItsParquetIsSkippedWithAWarningAndRedone() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 2);
        Path catalog = tmp.resolve("c.duckdb");
        ZooRunSummary first = run(zoo, catalog, false, new ArrayList<>());
        // What a cluster without a shared filesystem used to leave: a registered run whose folder holds no Parquet.
        Path runDir = Catalog.runDir(ZooRun.defaultParquetDir(catalog), first.runId());
        try (Stream<Path> s = Files.walk(runDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Files.createDirectories(runDir);
        List<String> said = new ArrayList<>();
        ZooRunSummary again = run(zoo, catalog, false, said);
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.getFirst().contains("run " + first.runId() + " has no Parquet"), said.getFirst());
        assertEquals(0, again.skipped());
        assertEquals(2, again.analyzed());
        try (Catalog c = Catalog.openExisting(catalog)) {
            assertEquals(2L, c.query("SELECT count(*) FROM models").rows().getFirst().getFirst());
            assertEquals(6L, c.query("SELECT count(*) FROM layers").rows().getFirst().getFirst());
        }
    }

    @Test
    void parquetMissingRowsIsRefused() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 1);
        Path catalog = tmp.resolve("c.duckdb");
        ZooRunSummary s = run(zoo, catalog, false, new ArrayList<>());
        Path runDir = Catalog.runDir(ZooRun.defaultParquetDir(catalog), s.runId());
        ParquetCheck.verify(runDir, 1, 3);
        LoupeException e = assertThrows(LoupeException.class, () -> ParquetCheck.verify(runDir, 2, 3));
        assertTrue(e.getMessage().startsWith(runDir + ": holds 1 of 2 model rows and 3 of 3 layer rows"), e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(LoupeException.class, () -> ParquetCheck.verify(empty, 1, 3));
        assertTrue(e.getMessage().contains("holds 0 of 1 model rows and 0 of 3 layer rows"), e.getMessage());
    }

    @Test
    void failuresAreNamedAndRetriedOnRequest() throws Exception {
        Path zoo = ZooFixtures.copy(tmp.resolve("zoo"), 1);
        Path broken = ZooFixtures.corrupt(zoo);
        Path catalog = tmp.resolve("c.duckdb");
        ZooRunSummary s = run(zoo, catalog, false, new ArrayList<>());
        assertEquals(1, s.failed());
        assertEquals(broken.toAbsolutePath().normalize().toString(), s.failures().getFirst().path());
        assertTrue(!s.failures().getFirst().error().isBlank());
        assertEquals(2, run(zoo, catalog, false, new ArrayList<>()).skipped()); // a failure is not retried ...
        ZooRunSummary retried = run(zoo, catalog, true, new ArrayList<>());   // ... unless asked
        assertEquals(1, retried.skipped());
        assertEquals(1, retried.failed());
        try (Catalog c = Catalog.openExisting(catalog)) {
            assertEquals(List.of(List.of(retried.runId())), c.query("SELECT run_id FROM failures").rows());
        }
    }
}
