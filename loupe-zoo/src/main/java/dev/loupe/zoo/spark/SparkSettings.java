package dev.loupe.zoo.spark;

import dev.loupe.core.LoupeException;
import dev.loupe.linalg.Backends;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The Spark configuration of a zoo run, in spark-submit's order (later wins): the
 * {@code spark-defaults.conf} of {@code $SPARK_CONF_DIR} (else {@code $SPARK_HOME/conf}), {@code spark.*}
 * system properties ({@code JAVA_OPTS=-Dspark.…}), then {@code --conf key=value}. Whatever the user
 * leaves unset, Loupe fills in for the job: for a cluster master the jars executors need
 * ({@link ExecutorJars}), {@code LOUPE_BACKEND} and a {@code JAVA_HOME} forwarded through
 * {@code spark.executorEnv}, executor memory sized from the largest task, and exclusion of an executor
 * whose task failed (so a task that failed because one machine cannot see a file runs elsewhere).
 */
public final class SparkSettings {
    /** Heap a task needs beyond its tensors: the JVM, Spark's own and the analysis's bookkeeping. */
    private static final long BASE_MEMORY = 512L << 20;
    /** Heap per byte of the largest task's checkpoint: fp16/bf16 → fp64 copies and the SVD's work arrays. */
    private static final int MEMORY_PER_BYTE = 3;
    private static final long MIN_MEMORY = 1L << 30;
    private static final long MAX_MEMORY = 64L << 30;

    private final Map<String, String> user;
    private final String source;

    private SparkSettings(Map<String, String> user, String source) {
        this.user = Map.copyOf(user);
        this.source = source;
    }

    /** No user settings (tests, benchmarks). */
    public static SparkSettings none() {
        return new SparkSettings(Map.of(), "");
    }

    /**
     * @param conf {@code --conf} values, "key=value"
     * @param env  the environment ({@code SPARK_CONF_DIR}, {@code SPARK_HOME})
     */
    public static SparkSettings of(List<String> conf, Map<String, String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        StringBuilder src = new StringBuilder();
        Path defaults = defaultsFile(env);
        if (defaults != null) {
            m.putAll(read(defaults));
            src.append(defaults);
        }
        for (String k : System.getProperties().stringPropertyNames()) {
            if (k.startsWith("spark.")) {
                m.put(k, System.getProperty(k).strip());
            }
        }
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0 || !kv.startsWith("spark.")) {
                throw new LoupeException("--conf " + kv + ": expected spark.KEY=VALUE");
            }
            m.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        if (!conf.isEmpty()) {
            src.append(src.isEmpty() ? "" : " + ").append("--conf");
        }
        return new SparkSettings(m, src.toString());
    }

    private static Path defaultsFile(Map<String, String> env) {
        String dir = env.get("SPARK_CONF_DIR");
        if (dir == null && env.get("SPARK_HOME") != null) {
            dir = Path.of(env.get("SPARK_HOME"), "conf").toString();
        }
        Path f = dir == null ? null : Path.of(dir, "spark-defaults.conf");
        return f != null && Files.isRegularFile(f) ? f : null;
    }

    /** spark-defaults.conf: Java properties syntax ("key value" or "key=value"), values trimmed, as spark-submit reads it. */
    private static Map<String, String> read(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new LoupeException(f, "cannot read Spark defaults: " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("spark.")).sorted()
                .forEach(k -> m.put(k, p.getProperty(k).strip()));
        return m;
    }

    /** The user's {@code spark.master}, if any file or option set one. */
    public String master() {
        return user.get("spark.master");
    }

    /** Where the user's settings came from ("" when nowhere). */
    public String source() {
        return source;
    }

    public static boolean isLocal(String master) {
        return master.startsWith("local");
    }

    /**
     * Every setting for a session on {@code master}: the user's, and Loupe's for what they left unset.
     *
     * @param largestTaskBytes bytes of the largest task's checkpoint (a split one's share per task)
     * @param jarDir           where class folders are packed into jars for the executors
     * @param say              one line per choice made for the user
     */
    public Map<String, String> forSession(String master, long largestTaskBytes, Path jarDir, Consumer<String> say) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("spark.ui.enabled", "false");
        m.put("spark.sql.session.timeZone", "UTC");
        m.put("spark.sql.debug.maxToStringFields", "200"); // the layers table has ~70 columns
        m.put("spark.sql.parquet.compression.codec", "zstd");
        if (isLocal(master) || onLoopback(master)) {
            // The whole cluster is on this machine: no hostname lookups, nothing listening on an external interface.
            m.put("spark.driver.host", "127.0.0.1");
            m.put("spark.driver.bindAddress", "127.0.0.1");
        }
        if (!isLocal(master)) {
            if (!user.containsKey("spark.jars")) {
                List<Path> jars = ExecutorJars.forSpark(jarDir);
                m.put("spark.jars", jars.stream().map(p -> p.toUri().toString()).collect(Collectors.joining(",")));
                say.accept("spark.jars: " + jars.size() + " jars of Loupe and its libraries for the executors");
            }
            String backend = System.getenv(Backends.ENV);
            if (backend != null && !backend.isBlank()) {
                m.put("spark.executorEnv." + Backends.ENV, backend);
            }
            m.put("spark.executorEnv.JAVA_HOME", System.getProperty("java.home"));
            // A task that failed on one executor (say, a file its machine cannot see) is retried on another one.
            m.put("spark.excludeOnFailure.enabled", "true");
            if (!user.containsKey("spark.executor.memory")) {
                String mem = executorMemory(largestTaskBytes);
                m.put("spark.executor.memory", mem);
                say.accept("spark.executor.memory " + mem + " (largest task " + largestTaskBytes / 1_000_000
                        + " MB; set --conf spark.executor.memory=... to change it)");
            }
        }
        m.putAll(user);
        return m;
    }

    /** Heap one task over a checkpoint of {@code bytes} needs: 1 GiB … 64 GiB. */
    public static long taskMemory(long bytes) {
        return Math.clamp(BASE_MEMORY + MEMORY_PER_BYTE * bytes, MIN_MEMORY, MAX_MEMORY);
    }

    /** {@link #taskMemory} in whole GiB, Spark's syntax. */
    static String executorMemory(long bytes) {
        return String.format(Locale.ROOT, "%dg", (taskMemory(bytes) + (1L << 30) - 1) >> 30);
    }

    /** A {@code spark://} master on a loopback address: every worker is on this machine. */
    static boolean onLoopback(String master) {
        try {
            String host = URI.create(master.split(",")[0]).getHost();
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }
}
