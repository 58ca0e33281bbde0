package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.bundled.BundledModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe ls} on ONNX models, as a black box through the picocli command line. */
class TestLsOnnx {
    @TempDir
    Path dir;

    /** Exit code, stdout and stderr of one run. */

    @Test
    void listsMiniLmWithConsumingOps() {
        CliRun r = CliRun.of("ls", BundledModels.miniLm().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        // 248 weights (102 initializers + 146 Constant values, as the onnx package counts them), header, total
        assertTrue(lines.size() >= 248, "lines: " + lines.size());
        assertTrue(lines.getLast().contains("(ONNX): 248 tensors"), lines.getLast());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("embeddings.word_embeddings.weight") && l.contains("Gather")));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("onnx::MatMul_787") && l.contains("MatMul")));
    }

    @Test
    void jsonListing() throws IOException {
        CliRun r = CliRun.of("ls", "--json", "--filter", "^encoder\\.layer\\.0\\.", BundledModels.miniLm().toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("ONNX", root.get("format").asText());
        assertEquals("pytorch", root.get("metadata").get("producer_name").asText());
        JsonNode q = null;
        for (JsonNode row : root.get("rows")) {
            if (row.get("name").asText().equals("encoder.layer.0.attention.self.query.bias")) {
                q = row;
            }
        }
        assertEquals("F32", q.get("dtype").asText());
        assertEquals(384, q.get("parameters").asLong());
        assertEquals("Add", q.get("consumer").asText());
    }

    @Test
    void malformedModelIsOneLineAndExitTwo() throws IOException {
        Path bad = dir.resolve("broken.onnx");
        Files.write(bad, new byte[]{0x08, 0x08, 0x3a, (byte) 0xff, 0x7f, 0x01});
        CliRun r = CliRun.of("ls", bad.toString());
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("loupe: " + bad), r.err());
    }

}
