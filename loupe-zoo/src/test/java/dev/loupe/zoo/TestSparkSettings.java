package dev.loupe.zoo;

import dev.loupe.core.LoupeException;
import dev.loupe.zoo.spark.ExecutorJars;
import dev.loupe.zoo.spark.SparkFaults;
import dev.loupe.zoo.spark.SparkSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark settings: spark-submit's precedence, what Loupe fills in for a cluster, the jars it ships. */
class TestSparkSettings {
    @TempDir
    Path tmp;

    @Test
    void defaultsFileThenConfAndLoupesOwnForWhatIsUnset() throws Exception {
        Path conf = Files.createDirectories(tmp.resolve("conf"));
        Files.writeString(conf.resolve("spark-defaults.conf"), """
                # comment
                spark.master            spark://10.0.0.1:7077
                spark.executor.memory   6g
                spark.eventLog.enabled=true
                not.spark.key           x
                """);
        SparkSettings s = SparkSettings.of(List.of("spark.executor.memory=3g", "spark.task.cpus=2"),
                Map.of("SPARK_CONF_DIR", conf.toString()));
        assertEquals("spark://10.0.0.1:7077", s.master());
        List<String> said = new ArrayList<>();
        Map<String, String> m = s.forSession("spark://10.0.0.1:7077", 5_000_000_000L, tmp, said::add);
        assertEquals("3g", m.get("spark.executor.memory")); // --conf over the file; not sized since the user set it
        assertEquals("true", m.get("spark.eventLog.enabled"));
        assertEquals("2", m.get("spark.task.cpus"));
        assertFalse(m.containsKey("not.spark.key"));
        assertEquals(System.getProperty("java.home"), m.get("spark.executorEnv.JAVA_HOME"));
        assertEquals("true", m.get("spark.excludeOnFailure.enabled"));
        assertNull(m.get("spark.driver.host")); // a remote master: Spark picks the driver's address
        assertEquals(ExecutorJars.codeSources().size(), m.get("spark.jars").split(",").length);
        assertTrue(said.getFirst().startsWith("spark.jars: "), said.toString());
    }

    @Test
    void executorMemoryFromTheLargestTask() {
        // 512 MiB + 3 x the task's bytes, in whole GiB, at least 1g.
        assertEquals("1g", memory(100_000_000L));                // 0.81 GiB -> 1g
        assertEquals("7g", memory(2_000_000_000L));              // 0.5 + 5.59 = 6.09 GiB -> 7g
        assertEquals("11g", memory(3_500_000_000L));             // 0.5 + 9.78 = 10.28 GiB -> 11g
        Map<String, String> local = SparkSettings.none().forSession("local[2]", 1L << 40, tmp, l -> { });
        assertFalse(local.containsKey("spark.executor.memory")); // local: the driver's heap is the executor's
        assertFalse(local.containsKey("spark.jars"));
        assertEquals("127.0.0.1", local.get("spark.driver.host"));
        assertEquals("127.0.0.1", SparkSettings.none().forSession("spark://localhost:7077", 1, tmp, l -> { })
                .get("spark.driver.host"));
    }

    private String memory(long bytes) {
        return SparkSettings.none().forSession("spark://10.1.1.1:7077", bytes, tmp, l -> { }).get("spark.executor.memory");
    }

    @Test
    void badConfIsAUserError() {
        assertThrows(LoupeException.class, () -> SparkSettings.of(List.of("executor.memory=3g"), Map.of()));
        assertThrows(LoupeException.class, () -> SparkSettings.of(List.of("spark.executor.memory"), Map.of()));
    }

    @Test
    void sparkFailuresBecomeOneLine() {
        // The shape of Spark 4.2's SparkException for a task that failed on every try (message abridged).
        RuntimeException e = new RuntimeException("Job aborted due to stage failure:\nTask 1 in stage 2.0 failed 4 times, "
                + "most recent failure: Lost task 1.3 (TID 9) (127.0.0.1 executor 0): dev.loupe.zoo.job.FileNotVisibleException: "
                + "/z/a.safetensors: cannot be read here\n\tat dev.loupe.zoo.job.ZooTask.checkVisible(ZooTask.java:83)\n"
                + "\nDriver stacktrace:\n\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages");
        assertEquals("Job aborted due to stage failure: Task 1 in stage 2.0 failed 4 times, most recent failure: Lost task 1.3 "
                + "(TID 9) (127.0.0.1 executor 0): dev.loupe.zoo.job.FileNotVisibleException: /z/a.safetensors: cannot be read "
                + "here", SparkFaults.firstLine(e));
        assertEquals("IllegalStateException: inner second line", SparkFaults.firstLine(new RuntimeException("outer",
                new IllegalStateException("inner\nsecond line"))));
        assertEquals(SparkFaults.MAX_LINE + 4, SparkFaults.firstLine(new RuntimeException("x".repeat(1000))).length());
    }

    @Test
    void shippedJarsAreTheTasksLibrariesNotSparks() {
        List<String> names = ExecutorJars.codeSources().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("ejml-ddense")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("javacpp-") && n.contains("linux-x86_64")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("openblas-") && n.contains("linux-x86_64")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("spark-") || n.startsWith("jackson-") || n.startsWith("scala-")),
                names.toString());
        // this module's classes are a folder under Maven: packed into a jar for spark.jars
        List<Path> jars = ExecutorJars.forSpark(tmp);
        assertTrue(jars.stream().allMatch(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar")), jars.toString());
    }
}
