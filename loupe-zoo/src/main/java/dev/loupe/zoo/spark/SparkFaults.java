package dev.loupe.zoo.spark;

import dev.loupe.core.LoupeException;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Spark's faults as one line each: an unreachable master (checked before Spark retries it for a minute),
 * a cluster that starts no executor, executors on a Java older than Loupe's, and a failed job. Spark
 * reports each as an exception with a long trace, or not at all (an application waiting for executors
 * that never come waits forever).
 */
public final class SparkFaults {
    /** How long a cluster may take to give the application its first executor. */
    static final int EXECUTOR_WAIT_SECONDS = 120;
    /** A failure's line is cut here: a task's message can quote a whole stack. */
    public static final int MAX_LINE = 400;

    private SparkFaults() {
    }

    /** A {@code spark://host:port} master that refuses or does not answer a TCP connection within 10 s. */
    public static void checkReachable(String master) {
        for (String hp : master.substring("spark://".length()).split(",")) {
            URI u = URI.create("spark://" + hp);
            int port = u.getPort() < 0 ? 7077 : u.getPort();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), 10_000);
                return;
            } catch (IOException | IllegalArgumentException e) {
                if (!master.contains(",")) {
                    throw new LoupeException("cannot reach the Spark master " + u.getHost() + ":" + port + " (--master "
                            + master + "): " + e.getMessage());
                }
            }
        }
        throw new LoupeException("cannot reach any of the Spark masters " + master);
    }

    /** Waits until the cluster gave the application an executor; none within the wait is one line naming what to check. */
    public static void awaitExecutors(SparkContext sc, String master) {
        long deadline = System.nanoTime() + EXECUTOR_WAIT_SECONDS * 1_000_000_000L;
        while (sc.statusTracker().getExecutorInfos().length < 2) { // the driver is listed too
            if (sc.isStopped()) {
                throw new LoupeException("the Spark application on " + master + " was stopped before any executor started "
                        + "(see the master's log)");
            }
            if (System.nanoTime() > deadline) {
                throw new LoupeException("no Spark executor started on " + master + " within " + EXECUTOR_WAIT_SECONDS
                        + " s: each worker must offer a free core and spark.executor.memory=" + sc.getConf()
                        .get("spark.executor.memory", "1g") + " (lower it with --conf spark.executor.memory=...), and "
                        + "spark.executorEnv.JAVA_HOME=" + sc.getConf().get("spark.executorEnv.JAVA_HOME", "")
                        + " must be a JDK 25 on every worker");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoupeException("interrupted while waiting for Spark executors");
            }
        }
    }

    /**
     * The executors' Java versions and homes, one line, from a tiny job. Loupe's classes need Java 25: an older
     * executor cannot even load the job's closure, so that failure is the answer too.
     */
    public static String javaVersions(JavaSparkContext jsc, String master) {
        int n = Math.max(2, jsc.sc().statusTracker().getExecutorInfos().length * 2);
        try {
            List<String> v = jsc.parallelize(IntStream.range(0, n).boxed().toList(), n)
                    .map(i -> "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")")
                    .distinct().collect();
            return String.join(", ", v.stream().sorted().toList());
        } catch (Exception e) { // SparkException, undeclared
            String all = messages(e);
            int at = all.indexOf("UnsupportedClassVersionError");
            if (at >= 0) {
                String why = all.substring(at).lines().findFirst().orElse("").replaceAll("\\s+", " ");
                throw new LoupeException("the executors on " + master + " run a Java older than 25 (" + why + "): give the "
                        + "workers JDK 25, e.g. --conf spark.executorEnv.JAVA_HOME=/path/to/jdk-25");
            }
            throw failed(master, e);
        }
    }

    /** A failed Spark job as one user-facing line. */
    public static LoupeException failed(String master, Exception e) {
        return e instanceof LoupeException le ? le : new LoupeException("Spark job on " + master + " failed: " + firstLine(e));
    }

    /**
     * The innermost message, up to its stack trace, as one line of at most {@value #MAX_LINE} characters: Spark wraps
     * the task's exception, and its "Job aborted due to stage failure:" puts the useful part on the next lines.
     */
    public static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root != e && root.getMessage() != null && !(root instanceof LoupeException)) {
            m = root.getClass().getSimpleName() + ": " + m;
        }
        StringBuilder b = new StringBuilder();
        for (String line : m.lines().toList()) {
            if (line.strip().startsWith("at ") || line.startsWith("Driver stacktrace:")) {
                break;
            }
            b.append(b.isEmpty() ? "" : " ").append(line.strip());
        }
        String one = b.toString().replaceAll("\\s+", " ").strip();
        return one.length() > MAX_LINE ? one.substring(0, MAX_LINE) + " ..." : one;
    }

    /** Every message of the cause chain, for recognizing a failure inside Spark's wrapping. */
    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(t).append('\n');
        }
        return b.toString();
    }
}
