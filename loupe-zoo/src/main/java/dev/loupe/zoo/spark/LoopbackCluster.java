package dev.loupe.zoo.spark;

import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and N Workers, each its own JVM started from the
 * Spark classes on this JVM's class path ({@code org.apache.spark.deploy.master.Master},
 * {@code org.apache.spark.deploy.worker.Worker}), as {@code sbin/start-master.sh} and
 * {@code start-worker.sh} would start them. Workers launch executors from {@code $SPARK_HOME/jars}, so a
 * SPARK_HOME is made in the cluster's folder whose {@code jars/} links to the class path's jars except
 * Loupe's and the ones {@link ExecutorJars} ships: the executors see what a Spark distribution holds,
 * and the job must bring the rest itself, as on a real cluster. For the CI test of {@code loupe zoo
 * --master spark://…} and {@code loupe bench zoo}; nothing listens beyond loopback.
 */
public final class LoopbackCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String masterUrl;
    private final List<Process> processes = new ArrayList<>();

    private LoopbackCluster(Path dir, String masterUrl) {
        this.dir = dir;
        this.masterUrl = masterUrl;
    }

    /**
     * Starts a Master and one Worker per entry of {@code workDirs} and waits until every worker has
     * registered. Stops everything it started if that fails.
     *
     * @param dir           folder for SPARK_HOME, configuration and logs
     * @param workDirs      each worker's work folder (executors run in {@code workDir/<app>/<executor>})
     * @param coresPerWorker  cores each worker offers
     * @param workerMemory  memory each worker offers, Spark's syntax ("1g")
     */
    public static LoopbackCluster start(Path dir, List<Path> workDirs, int coresPerWorker, String workerMemory) {
        LoopbackCluster c = null;
        try {
            Path home = sparkHome(dir);
            int port = freePort();
            c = new LoopbackCluster(dir, "spark://" + HOST + ":" + port);
            c.launch("master", home, List.of("org.apache.spark.deploy.master.Master", "--host", HOST, "--port",
                    String.valueOf(port), "--webui-port", "0"));
            for (int i = 0; i < workDirs.size(); i++) {
                Path wd = Files.createDirectories(workDirs.get(i));
                c.launch("worker-" + i, home, List.of("org.apache.spark.deploy.worker.Worker", "--host", HOST,
                        "--cores", String.valueOf(coresPerWorker), "--memory", workerMemory, "--work-dir", wd.toString(),
                        "--webui-port", "0", c.masterUrl));
            }
            c.awaitWorkers(workDirs.size(), 120);
            LoopbackCluster started = c;
            c = null;
            return started;
        } catch (IOException e) {
            throw new LoupeException(dir, "cannot start a loopback Spark cluster: " + e.getMessage());
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    public String masterUrl() {
        return masterUrl;
    }

    private void launch(String name, Path home, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", home.resolve("jars").resolve("*").toString(),
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2-daemon.properties").toUri(),
                "-Dspark.master.rest.enabled=false"));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", HOST);
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("SPARK_WORKER_OPTS");
        env.remove("SPARK_DAEMON_JAVA_OPTS");
        processes.add(pb.start());
    }

    /** Waits until each worker's log says it registered; a daemon that exits first fails with its log's tail. */
    private void awaitWorkers(int n, int seconds) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            int ok = 0;
            for (int i = 0; i < n; i++) {
                Path log = dir.resolve("worker-" + i + ".log");
                if (Files.exists(log) && Files.readString(log).contains("Successfully registered with master")) {
                    ok++;
                }
            }
            if (ok == n) {
                return;
            }
            for (int i = 0; i < processes.size(); i++) {
                if (!processes.get(i).isAlive()) {
                    String name = i == 0 ? "master" : "worker-" + (i - 1);
                    throw new LoupeException(dir.resolve(name + ".log"), "the Spark " + name + " exited: " + tail(name));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new LoupeException(dir, ok + " of " + n + " Spark workers registered within " + seconds + " s: "
                        + tail("worker-0"));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoupeException(dir, "interrupted while starting the Spark cluster");
            }
        }
    }

    private String tail(String name) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve(name + ".log"));
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A SPARK_HOME whose jars/ links to this class path's jars, less Loupe's and those shipped with the job. */
    private static Path sparkHome(Path dir) throws IOException {
        Path home = dir.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        Path conf = Files.createDirectories(home.resolve("conf"));
        // The launcher takes $SPARK_HOME/jars only from a release layout (a RELEASE file); else it looks for a build tree.
        Files.writeString(home.resolve("RELEASE"), "Spark (from the class path of a Loupe JVM)\n");
        Set<Path> shipped = new HashSet<>(ExecutorJars.codeSources());
        Set<String> names = new HashSet<>();
        for (Path p : ExecutorJars.classPath()) {
            String n = p.getFileName().toString();
            if (Files.isRegularFile(p) && n.endsWith(".jar") && !shipped.contains(p) && !n.startsWith("loupe-")
                    && names.add(n)) {
                Files.createSymbolicLink(jars.resolve(n), p);
            }
        }
        // Executors: warnings only (their stderr lands in the worker's work folder). Daemons: INFO, which says when a worker registered.
        Files.writeString(conf.resolve("log4j2.properties"), log4j("warn"));
        Files.writeString(dir.resolve("log4j2-daemon.properties"), log4j("info"));
        return home;
    }

    private static String log4j(String level) {
        return "rootLogger.level = " + level + "\nrootLogger.appenderRef.stderr.ref = console\n"
                + "appender.console.type = Console\nappender.console.name = console\nappender.console.target = SYSTEM_ERR\n"
                + "appender.console.layout.type = PatternLayout\nappender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex\n";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    /** Stops workers (and the executors they started), then the master; waits for each. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            children.forEach(ProcessHandle::destroy);
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                for (ProcessHandle h : children) {
                    if (!h.onExit().toCompletableFuture().completeOnTimeout(h, 5, TimeUnit.SECONDS).join().isAlive()) {
                        continue;
                    }
                    h.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
