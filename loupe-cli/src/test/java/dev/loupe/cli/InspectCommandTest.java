package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.format.safetensors.SafetensorsWriter;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe inspect} as a black box on a small written model. */
class InspectCommandTest {
    @TempDir
    Path dir;
    Path model;

    static Tensor random(String name, long seed, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() - 0.5);
        }
        long[] s = java.util.Arrays.stream(shape).asLongStream().toArray();
        return Tensor.contiguous(name, DType.F32, s, MemorySegment.ofArray(v), null);
    }

    @BeforeEach
    void writeModel() {
        model = dir.resolve("m.safetensors");
        SafetensorsWriter.write(model, List.of(random("fc.weight", 1, 64, 32), random("fc.bias", 2, 64),
                random("conv.weight", 3, 8, 4, 3, 3)), Map.of());
    }

    @Test
    void tableJsonCsvAgree() throws Exception {
        CliRun t = CliRun.of("inspect", "--quiet", model.toString());
        assertEquals(0, t.exit(), t.err());
        assertTrue(t.out().contains("fc") && t.out().contains("[64x32]") && t.out().contains("conv2d"), t.out());
        assertTrue(t.out().contains("2 layers analyzed"), t.out());

        CliRun j = CliRun.of("inspect", "--json", model.toString());
        assertEquals(0, j.exit(), j.err());
        JsonNode root = new ObjectMapper().readTree(j.out());
        JsonNode layers = root.get("layers");
        assertEquals(2, layers.size());
        JsonNode conv = layers.get(0);
        assertEquals("conv", conv.get("layer").get("name").asText());
        assertEquals(9, conv.get("layer").get("rf").asInt());
        assertEquals(36, conv.get("layer").get("numEvals").asInt());
        assertEquals("fc.bias", root.get("skipped").get(0).get("tensor").asText());
        assertEquals(64, Files.size(model) > 0 ? layers.get(1).get("layer").get("N").asInt() : -1);
        // SHA-256 of the file in provenance, computed independently here
        String sha = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
        assertEquals(sha, root.get("provenance").get("sha256").asText());

        CliRun c = CliRun.of("inspect", "--csv", model.toString());
        assertEquals(0, c.exit(), c.err());
        String[] lines = c.out().split("\n");
        assertEquals(3, lines.length);
        List<String> head = List.of(lines[0].split(","));
        int alphaCol = head.indexOf("alpha");
        assertTrue(alphaCol > 0 && head.contains("log_spectral_norm") && head.contains("int4_g128_rel_err"));
        double csvAlpha = Double.parseDouble(lines[2].split(",")[alphaCol]);
        assertEquals(layers.get(1).get("fit").get("alpha").asDouble(), csvAlpha, 0);
    }

    @Test
    void outDirWritesBothFiles() {
        Path out = dir.resolve("out");
        assertEquals(0, CliRun.of("inspect", "--quiet", "--out", out.toString(), model.toString()).exit());
        assertTrue(Files.isRegularFile(out.resolve("inspect.json")));
        assertTrue(Files.isRegularFile(out.resolve("inspect.csv")));
        assertTrue(Files.isRegularFile(out.resolve("inspect.html")));
    }

    @Test
    void reportIsWritten() throws Exception {
        Path html = dir.resolve("r.html");
        CliRun r = CliRun.of("inspect", "--quiet", "--report", html.toString(), model.toString());
        assertEquals(0, r.exit(), r.err());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html") || page.startsWith("<!doctype html"), page.substring(0, 40));
        assertTrue(page.contains("fc") && page.contains("conv"), "layer names in the report");
    }

    @Test
    void userErrorsExitTwoWithOneLine() {
        CliRun p = CliRun.of("inspect", "--precision", "fp16", model.toString());
        assertEquals(2, p.exit());
        assertTrue(p.err().contains("fp64 or fp32"), p.err());
        assertFalse(p.err().contains("\tat "), "no stack trace");
        assertEquals(2, CliRun.of("inspect", dir.resolve("missing.safetensors").toString()).exit());
        assertEquals(2, CliRun.of("inspect", "--report", dir.resolve("r.html").toString(),
                dir.resolve("missing.onnx").toString()).exit());
        assertFalse(Files.exists(dir.resolve("r.html")), "no report for a failed run");
    }
}
