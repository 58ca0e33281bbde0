package dev.loupe.cli;

import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Black-box: loupe zoo (single-process path) → zoo query → zoo map, and the user-error contract. */
class ZooCommandTest {
    private static final Path ZOO = Path.of("../fixtures/zoo").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void buildQueryAndMap() throws Exception {
        Path zoo = Files.createDirectories(tmp.resolve("zoo"));
        StringBuilder manifest = new StringBuilder("file,test_accuracy\n");
        for (String line : Files.readAllLines(ZOO.resolve("manifest.csv")).subList(1, 13)) {
            String[] c = line.split(",");
            Files.copy(ZOO.resolve(c[0]), zoo.resolve(c[0]));
            manifest.append(c[0]).append(',').append(c[7]).append('\n');
        }
        Files.writeString(zoo.resolve("manifest.csv"), manifest);
        Files.write(zoo.resolve("bad.safetensors"), new byte[]{1, 2, 3});
        Path catalog = tmp.resolve("zoo.duckdb");

        CliRun r = CliRun.of("zoo", zoo.toString(), "--catalog", catalog.toString(), "--master", "none");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("13 checkpoints found, 0 already in the catalog, 12 analyzed, 1 failed"), r.out());
        assertTrue(r.out().contains("failed: " + zoo.resolve("bad.safetensors") + ": "), r.out()); // named with its error

        CliRun again = CliRun.of("zoo", zoo.toString(), "--catalog", catalog.toString(), "--master", "none");
        assertTrue(again.out().startsWith("13 checkpoints found, 13 already in the catalog, 0 analyzed, 0 failed"), again.out());

        // Every checkpoint split into one task per layer: same counts; no bar when stderr is not a terminal.
        Path split = tmp.resolve("split.duckdb");
        CliRun sp = CliRun.of("zoo", zoo.toString(), "--catalog", split.toString(), "--master", "none", "--split-above", "0");
        assertTrue(sp.out().startsWith("13 checkpoints found, 0 already in the catalog, 12 analyzed, 1 failed"), sp.out());
        assertTrue(sp.out().contains("36 layer rows"), sp.out());
        assertTrue(!sp.err().contains("\r"), sp.err());

        CliRun q = CliRun.of("zoo", "query", "--catalog", catalog.toString(), "--csv",
                "SELECT status, count(*) AS n, sum(layers) AS layers FROM models GROUP BY status ORDER BY status");
        assertEquals("status,n,layers\nerror,1,\nok,12,36\n", q.out().replace("\r", ""));

        CliRun j = CliRun.of("zoo", "query", "--catalog", catalog.toString(), "--json", "SELECT error FROM failures");
        assertTrue(j.out().contains("bad.safetensors"), j.out());

        CliRun m = CliRun.of("zoo", "map", "--catalog", catalog.toString(), "--manifest", zoo.resolve("manifest.csv").toString(),
                "--folds", "3", "--report", tmp.resolve("map.html").toString(), "--out", tmp.resolve("map.csv").toString());
        assertEquals(0, m.exit(), m.err());
        // one row per labelled model, five cells each (CsvCell's rule: a path with a comma would be quoted), numbers round-trip
        List<String> rows = Files.readAllLines(tmp.resolve("map.csv"));
        assertEquals("path,pc1,pc2,test_accuracy,predicted", rows.get(0));
        assertEquals(13, rows.size());
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",");
            assertEquals(5, c.length, row);
            for (int k = 1; k < 5; k++) {
                assertTrue(Double.isFinite(Double.parseDouble(c[k])), row);
            }
        }
        String html = Files.readString(tmp.resolve("map.html"));
        assertTrue(html.contains("Weight-space map") && html.contains("<svg") && html.contains("mean alpha alone"));
        assertTrue(m.out().startsWith("12 models with a 'test_accuracy' label (0 analyzed models without one), 42 fingerprint features"), m.out());
        assertTrue(m.out().contains("mean alpha alone"), m.out());
    }

    @Test
    void userErrorsAreOneLine() throws Exception {
        Path missing = tmp.resolve("nope.duckdb");
        CliRun.of("zoo", "query", "--catalog", missing.toString(), "SELECT 1").assertUserError(missing);
        Path catalog = tmp.resolve("empty.duckdb");
        Path nothing = tmp.resolve("nothing-here");
        CliRun.of("zoo", nothing.toString(), "--catalog", catalog.toString(), "--master", "none").assertUserError(nothing);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun.of("zoo", empty.toString(), "--catalog", catalog.toString(), "--split-above", "-1").assertUserError(empty);
        // a folder without checkpoints is a user error, and no catalog is left behind
        CliRun.of("zoo", empty.toString(), "--catalog", catalog.toString(), "--master", "none").assertUserError(empty);
        assertFalse(Files.exists(catalog));
        CliRun ok = CliRun.of("zoo", Fixtures.dir().resolve("models/mlp.onnx").toString(), "--catalog", catalog.toString(),
                "--master", "none");
        assertTrue(ok.out().startsWith("1 checkpoints found"), ok.out());
        CliRun.of("zoo", "query", "--catalog", catalog.toString(), "SELEC nonsense").assertUserError(catalog);
    }
}
