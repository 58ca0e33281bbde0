package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.format.gguf.GgufFixture;
import dev.loupe.core.format.gguf.GgufValueType;
import dev.loupe.core.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe ls} on GGUF files as a black box: stored types, row-major shapes, one-line errors. */
class TestLsGguf {
    @TempDir
    Path dir;

    /** A llama-style layer: ffn_up with ne = [512, 3] (3 rows of 512) in Q4_K, plus Q6_K, Q8_0 and F16 tensors. */
    private Path model() {
        return GgufFixture.v3()
                .kv("general.architecture", GgufValueType.STRING, "llama")
                .tensor("blk.0.ffn_up.weight", DType.Q4_K, new long[]{512, 3}, new byte[3 * 2 * 144])
                .tensor("output.weight", DType.Q6_K, new long[]{256, 2}, new byte[2 * 210])
                .tensor("token_embd.weight", DType.Q8_0, new long[]{64, 5}, new byte[5 * 2 * 34])
                .tensor("output_norm.weight", DType.F16, new long[]{7}, new byte[14])
                .write(dir.resolve("tiny.gguf"));
    }

    @Test
    void listsStoredTypesAndRowMajorShapes() {
        CliRun r = CliRun.of("ls", model().toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.matches("blk\\.0\\.ffn_up\\.weight\\s+Q4_K\\s+\\[3x512\\]\\s+1,536\\s+864 B")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("output\\.weight\\s+Q6_K\\s+\\[2x256\\]\\s+512\\s+420 B")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("token_embd\\.weight\\s+Q8_0\\s+\\[5x64\\]\\s+320\\s+340 B")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("output_norm\\.weight\\s+F16\\s+\\[7\\]\\s+7\\s+14 B")), r.out());
        // 1536 + 512 + 320 + 7 parameters; 864 + 420 + 340 + 14 bytes
        assertTrue(lines.getLast().endsWith("(GGUF): 4 tensors, 2,375 parameters, 1.6 KiB"), lines.getLast());
    }

    @Test
    void jsonCarriesShapesAndRenderedMetadata() throws IOException {
        CliRun r = CliRun.of("ls", "--json", model().toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("GGUF", j.get("format").asText());
        assertEquals("llama", j.get("metadata").get("general.architecture").asText());
        JsonNode first = j.get("rows").get(0);
        assertEquals("Q4_K", first.get("dtype").asText());
        assertEquals(3, first.get("shape").get(0).asInt());
        assertEquals(512, first.get("shape").get(1).asInt());
    }

    @Test
    void malformedFileExitsTwoWithOneLine() throws IOException {
        byte[] b = GgufFixture.v3().tensor("w", DType.F32, new long[]{4}, new byte[16]).build().bytes();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(8, 1L << 40); // tensor_count
        Path bad = Files.write(dir.resolve("bad.gguf"), b);
        CliRun r = CliRun.of("ls", bad.toString());
        r.assertUserError(bad);
        assertTrue(r.err().contains("tensor count 1099511627776 is more than"), r.err());
    }
}
