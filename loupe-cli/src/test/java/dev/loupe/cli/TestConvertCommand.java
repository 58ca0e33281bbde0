package dev.loupe.cli;

import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe convert}: writes a GGUF llama.cpp reads; refuses what is not a decoder LM folder with one line. */
class TestConvertCommand {
    @TempDir
    Path dir;

    @Test
    void writesTheFixtureLlamaAsQ4_0() {
        Path out = dir.resolve("llama-q4_0.gguf");
        CliRun r = CliRun.of("convert", Fixtures.dir().resolve("lm/llama").toString(), "--out", out.toString(), "--type", "Q4_0",
                "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("llama Q4_0, 22 tensors"), r.out());
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            assertEquals(2L, c.ggufMetadata().integer("general.file_type").orElseThrow());
            assertEquals(16, c.header().tensors().stream().filter(t -> t.ggmlType() == 2).count());
        }
    }

    /** 64/160-wide rows are not whole 256-element super-blocks: llama.cpp's fallbacks, counted in the output. */
    @Test
    void q4KMFallsBackAsLlamaCppAndSaysSo() {
        Path out = dir.resolve("llama-q4_k_m.gguf");
        CliRun r = CliRun.of("convert", Fixtures.dir().resolve("lm/llama").toString(), "--out", out.toString(), "--type", "q4_k_m",
                "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("llama Q4_K_M, 22 tensors") && r.out().contains("{F32=6, Q5_0=13, Q8_0=3}"), r.out());
        assertTrue(r.out().contains("15 weight(s) have rows that are not whole blocks"), r.out());
        try (GgufCheckpoint c = new GgufReader().open(out)) {
            assertEquals(15L, c.ggufMetadata().integer("general.file_type").orElseThrow());
        }
    }

    @Test
    void anOnnxClassifierIsOneLineExit2NothingWritten() {
        Path out = dir.resolve("x.gguf");
        CliRun r = CliRun.of("convert", Fixtures.dir().resolve("models/cnn.onnx").toString(), "--out", out.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("not a supported GGUF architecture"), r.err());
        assertFalse(Files.exists(out));
    }
}
