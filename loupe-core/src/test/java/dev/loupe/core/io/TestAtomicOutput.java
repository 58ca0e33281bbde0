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
}
