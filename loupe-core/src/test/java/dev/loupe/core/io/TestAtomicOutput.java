package dev.loupe.core.io;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestAtomicOutput {
    @TempDir
    Path dir;

    @Test
    void finishedFileIsReadableByOthersAndHasTheBytes() throws IOException {
        Path out = dir.resolve("report.html");
        AtomicOutput.writeString(out, "héllo");
        assertEquals("héllo", Files.readString(out, StandardCharsets.UTF_8));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList(), "no temp file left behind");
        }
    }

    @Test
    void failedWriteLeavesNeitherOutputNorTempAndKeepsTheOldFile() throws IOException {
        Path out = dir.resolve("model.safetensors");
        Files.writeString(out, "old");
        LoupeException e = assertThrows(LoupeException.class, () -> AtomicOutput.write(out, o -> {
            o.write(new byte[1000]);
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().startsWith(out.toString()), e.getMessage());
        assertEquals("old", Files.readString(out));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void refusesToOverwriteAnInput() throws IOException {
        Path in = dir.resolve("in.onnx");
        Files.writeString(in, "x");
        assertThrows(LoupeException.class, () -> AtomicOutput.refuseOverwrite(dir.resolve("./in.onnx"), List.of(in)));
        AtomicOutput.refuseOverwrite(dir.resolve("other.onnx"), List.of(in));
        assertFalse(Files.exists(dir.resolve("other.onnx")));
    }

    /** A set whose third file fails (a full disk) publishes none of the three and leaves no temp file. */
    @Test
    void aFailedSetLeavesNoneOfItsFiles() throws IOException {
        Path a = dir.resolve("inspect.json");
        Path b = dir.resolve("inspect.csv");
        LoupeException e = assertThrows(LoupeException.class, () -> AtomicOutput.all(() -> {
            AtomicOutput.writeString(a, "{}");
            AtomicOutput.writeString(b, "x");
            AtomicOutput.write(dir.resolve("inspect.html"), o -> {
                throw new IOException("No space left on device");
            });
        }));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.toList());
        }
        AtomicOutput.all(() -> {
            AtomicOutput.writeString(a, "{}");
            AtomicOutput.writeString(b, "x");
        });
        assertEquals("x", Files.readString(b));
    }

    /**
     * The temp file of a killed run (its PID no longer runs) is removed by the next write of the same output; one of
     * a live process (this one) is left alone; a 250-byte output name works (its temp name is cut), 256 is refused.
     */
    @Test
    void killedRunsTempFilesAreRemovedAndLongNamesWork() throws IOException {
        long dead = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(1) + 100_000;
        Path stale = Files.write(dir.resolve(".model.onnx." + dead + ".123.tmp"), new byte[4096]);
        Path live = Files.write(dir.resolve(".model.onnx." + ProcessHandle.current().pid() + ".456.tmp"), new byte[16]);
        AtomicOutput.writeString(dir.resolve("model.onnx"), "new");
        assertFalse(Files.exists(stale), "a dead run's temp file stayed");
        assertTrue(Files.exists(live), "a live process's temp file was removed");
        Path longName = dir.resolve("m".repeat(245) + ".onnx");
        AtomicOutput.checkFile(longName, List.of());
        AtomicOutput.writeString(longName, "ok");
        assertEquals("ok", Files.readString(longName));
        LoupeException e = assertThrows(LoupeException.class, () -> AtomicOutput.checkFile(dir.resolve("m".repeat(251) + ".onnx"), List.of()));
        assertTrue(e.getMessage().contains("256 bytes"), e.getMessage());
    }
}
