package dev.loupe.cli;

import dev.loupe.zoo.catalog.Catalog;
import dev.loupe.zoo.spark.LoopbackCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code loupe zoo --master spark://…} on a real standalone cluster: a Master and two Workers (one core,
 * 1 GiB each) on 127.0.0.1, started from the Spark jars of the test class path, whose executors see only
 * Spark's jars (Loupe must ship its own). Checked: the plain command, no options, gives the catalog of
 * {@code --master none} row for row; a worker that cannot see the checkpoints fails its tasks, Spark runs
 * them on the other worker, and no failure is recorded. Everything is stopped at the end, failed or not.
 */
class TestZooOnCluster {
    private static final Path ZOO = Path.of("../fixtures/zoo").toAbsolutePath().normalize();
    private static final String MODELS = "SELECT * EXCLUDE (run_id, seconds, analyzed_at) FROM models ORDER BY path";
    private static final String LAYERS = "SELECT * EXCLUDE (run_id, seconds) FROM layers ORDER BY path, layer_id";

    static Path tmp;
    static LoopbackCluster cluster;
    static Path sees;
    static Path blind;

    @BeforeAll
    static void startCluster() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/cwd")), "needs Linux's /proc/self/cwd");
        // Not @TempDir: JUnit warns for every symbolic link it deletes, and SPARK_HOME/jars is ~170 of them.
        tmp = Files.createTempDirectory("loupe-cluster-test");
        // Executors run in WORKDIR/<app>/<executor>. One worker's folder is shallow, the other's deep, so a link through
        // /proc/self/cwd/../../… (see blindLink) reaches the checkpoint from the first worker's executors only.
        sees = tmp.resolve("w0");
        Path deep = tmp.resolve("w1");
        while (depth(deep) < ups() - 1) {
            deep = deep.resolve("d");
        }
        blind = deep;
        cluster = LoopbackCluster.start(tmp.resolve("cluster"), List.of(sees, blind), 1, "1g");
    }

    @AfterAll
    static void stopCluster() throws IOException {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (tmp != null) {
                try (Stream<Path> s = Files.walk(tmp)) { // does not follow links: deletes the links, not the jars
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void plainClusterRunEqualsInProcess() throws Exception {
        Path zoo = copy(tmp.resolve("zoo"), 6);
        Files.write(zoo.resolve("broken.safetensors"), new byte[]{(byte) 0xff, (byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 1});
        Path local = tmp.resolve("none.duckdb");
        Path spark = tmp.resolve("spark.duckdb");
        CliRun a = CliRun.of("zoo", zoo.toString(), "--catalog", local.toString(), "--master", "none");
        assertEquals(0, a.exit(), a.err());
        CliRun b = CliRun.of("zoo", zoo.toString(), "--catalog", spark.toString(), "--master", cluster.masterUrl());
        assertEquals(0, b.exit(), b.err());
        assertTrue(b.out().startsWith("7 checkpoints found, 0 already in the catalog, 6 analyzed, 1 failed"), b.out());
        assertTrue(b.out().contains("failed: " + zoo.resolve("broken.safetensors") + ": "), b.out());
        assertTrue(b.err().contains("executors: Java " + Runtime.version()), b.err());
        try (Catalog x = Catalog.openExisting(local); Catalog y = Catalog.openExisting(spark)) {
            for (String q : List.of(MODELS, LAYERS)) {
                assertEquals(x.query(q).columns(), y.query(q).columns());
                assertEquals(x.query(q).rows(), y.query(q).rows(), q); // Double.equals: bit for bit, NaN = NaN
            }
            assertEquals(18, y.query(LAYERS).rows().size());
        }
    }

    @Test
    void workerThatCannotSeeTheFilesRecordsNothing() throws Exception {
        Path real = copy(tmp.resolve("real"), 4);
        Path zoo = Files.createDirectories(tmp.resolve("linked"));
        for (String n : names(4)) {
            Files.createSymbolicLink(zoo.resolve(n), Path.of(blindLink(real.resolve(n))));
        }
        Path catalog = tmp.resolve("blind.duckdb");
        // Both executors registered before the job starts, so the blind one gets tasks.
        CliRun r = CliRun.of("zoo", zoo.toString(), "--catalog", catalog.toString(), "--master", cluster.masterUrl(),
                "--conf", "spark.cores.max=2", "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("4 checkpoints found, 0 already in the catalog, 4 analyzed, 0 failed"), r.out());
        assertTrue(r.out().contains("retried elsewhere (first: FileNotVisibleException: "), r.out());
        try (Catalog c = Catalog.openExisting(catalog)) {
            assertEquals(0, c.query("SELECT * FROM failures").rows().size());
            assertEquals(12, c.query("SELECT * FROM layers").rows().size());
        }
    }

    /**
     * A link target that resolves per process: {@code /proc/self/cwd} followed by as many {@code ..} as the deepest
     * of this JVM's folder and the seeing worker's executor folders. Those climb to / and reach {@code file}; the
     * blind worker's executor folders are deeper, stay below /, and reach nothing.
     */
    private static String blindLink(Path file) {
        return "/proc/self/cwd/" + "../".repeat(ups()) + file.toString().substring(1);
    }

    private static int ups() {
        return Math.max(depth(Path.of("").toAbsolutePath()), depth(sees) + 2);
    }

    private static int depth(Path p) {
        return p.toAbsolutePath().normalize().getNameCount();
    }

    private static Path copy(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (String name : names(n)) {
            Files.copy(ZOO.resolve(name), dir.resolve(name));
        }
        return dir;
    }

    private static List<String> names(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(String.format("mlp_%02d.safetensors", i));
        }
        return out;
    }
}
