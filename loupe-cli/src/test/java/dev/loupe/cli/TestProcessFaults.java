package dev.loupe.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only a separate process shows: a SIGTERM in the middle of an ONNX Runtime run, and what ONNX Runtime itself
 * writes to the process's stderr (native code, below Java's streams). Each runs {@code Loupe.main} in a fresh JVM on
 * this test's class path.
 */
class TestProcessFaults {
    @TempDir
    Path dir;

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Loupe.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    /**
     * SIGTERM while a model runs (a Loop of 2^62 trips, no time limit): the run is stopped and the sessions closed
     * before the JVM exits, so it exits as terminated (143) with one line and no hs_err_pid*.log crash report.
     */
    @Test
    void sigtermDuringAModelRunExitsCleanly() throws Exception {
        Path model = HostileModels.endlessLoop(dir.resolve("loop.onnx"), 4);
        dev.loupe.core.data.NpyWriter.write(dir.resolve("x.npy"), new float[][]{{1, 2, 3, 4}});
        Files.writeString(dir.resolve("y.csv"), "0\n");
        Process p = start("eval", "--timeout", "0", "--data", "x.npy", "--labels", "y.csv", model.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // the run has started once the JVM is busy in it; wait for ORT to be inside Session::Run
        Thread.sleep(4000);
        assertTrue(p.isAlive(), "eval ended by itself: " + Files.readString(dir.resolve("err.txt")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), "no exit after SIGTERM");
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(143, p.exitValue(), err);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList(), err);
        }
        assertTrue(err.lines().count() <= 1, err);
    }

    /** ONNX Runtime's own coloured log lines stay off stderr: a model it refuses gives Loupe's one line only. */
    @Test
    void onnxRuntimesLogStaysOffStderr() throws Exception {
        Path model = HostileModels.twoInitializersNamedW(dir.resolve("dup.onnx"));
        Process p = start("compress", "--bits", "8", "--out", dir.resolve("c.onnx").toString(), model.toString());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("loupe: "), err);
        assertTrue(!Files.exists(dir.resolve("c.onnx")));
    }
}
