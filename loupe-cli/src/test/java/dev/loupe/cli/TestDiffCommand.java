package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code loupe diff} as a user runs it, on the fine-tuned CNN and the MLP's LoRA adapter (fixtures/diff). */
class TestDiffCommand {
    private static final Path FIX = Path.of("../fixtures").toAbsolutePath().normalize();
    private static final Path BASE = FIX.resolve("models/cnn.safetensors");
    private static final Path TUNED = FIX.resolve("models/cnn_finetuned.safetensors");
    private static final Path ADAPTER = FIX.resolve("diff/mlp_lora");

    @Test
    void tableNamesTheLayersThatMovedAndWritesTheReport(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("d.html");
        CliRun r = CliRun.of("diff", BASE.toString(), TUNED.toString(), "--report", html.toString(), "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4 layers compared"), r.out());
        // torch: conv2 moved 1.3182/8.1721 = 0.1613 of its size, the most of the four
        assertTrue(r.out().contains("moved most (|dW|/|W|): conv2 0.1613"), r.out());
        String page = Files.readString(html);
        assertTrue(page.contains("Spectra of the updates") && page.contains("<svg"), "report has its plots");
    }

    @Test
    void jsonCarriesEveryRow() throws Exception {
        CliRun r = CliRun.of("diff", BASE.toString(), TUNED.toString(), "--json", "--cka");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("CHECKPOINTS", j.get("kind").asText());
        assertEquals(4, j.get("layers").size());
        JsonNode fc1 = j.get("layers").get(2);
        assertEquals("fc1", fc1.get("name").asText());
        JsonNode torch = new ObjectMapper().readTree(FIX.resolve("diff/reference.json").toFile())
                .path("cnn_finetuned").path("layers").path("fc1");
        assertEquals(torch.get("delta_fro").asDouble(), fc1.get("deltaNorm").asDouble(), 1e-9);
        assertEquals(torch.get("ww_cka").asDouble(), fc1.get("wwCka").asDouble(), 1e-9);
        assertTrue(j.get("esds") == null, "spectra stay out of the JSON");
    }

    @Test
    void adapterAloneAndWithItsBase() throws Exception {
        CliRun alone = CliRun.of("diff", ADAPTER.toString(), "--csv");
        assertEquals(0, alone.exit(), alone.err());
        String[] lines = alone.out().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].startsWith("name,other_name,match,kind,out,in,"), lines[0]);
        assertTrue(lines[1].startsWith("fc1,fc1,name,dense,256,784,1,"), lines[1]);
        double torch = new ObjectMapper().readTree(FIX.resolve("diff/reference.json").toFile())
                .path("mlp_lora").path("fc1").get("delta_fro").asDouble();
        assertEquals(torch, Double.parseDouble(lines[1].split(",")[7]), 1e-9);
        CliRun merged = CliRun.of("diff", FIX.resolve("models/mlp.safetensors").toString(), ADAPTER.toString(), "--quiet");
        assertEquals(0, merged.exit(), merged.err());
        assertTrue(merged.out().contains("2 modules merged and compared"), merged.out());
    }

    @Test
    void mergedAdapterDiffsBackToTheUpdate(@TempDir Path dir) throws Exception {
        Path merged = dir.resolve("merged.safetensors");
        Path mlp = FIX.resolve("models/mlp.safetensors");
        CliRun m = CliRun.of("diff", mlp.toString(), ADAPTER.toString(), "--merge-out", merged.toString(), "--quiet");
        assertEquals(0, m.exit(), m.err());
        CliRun d = CliRun.of("diff", mlp.toString(), merged.toString(), "--json");
        assertEquals(0, d.exit(), d.err());
        JsonNode layers = new ObjectMapper().readTree(d.out()).get("layers");
        JsonNode torch = new ObjectMapper().readTree(FIX.resolve("diff/reference.json").toFile()).path("mlp_lora");
        for (JsonNode l : layers) {
            String name = l.get("name").asText();
            if (name.equals("fc3")) { // not adapted: unchanged bit for bit
                assertEquals(0.0, l.get("deltaNorm").asDouble(), 0.0);
                continue;
            }
            // W + s·B·A stored in float32, minus W: torch's ‖s·B·A‖ and top singular value to float32 rounding
            assertEquals(torch.get(name).get("delta_fro").asDouble(), l.get("deltaNorm").asDouble(), 1e-5, name);
            assertEquals(torch.get(name).get("delta_sv").get(0).asDouble(),
                    l.get("update").get("topSingular").get(0).asDouble(), 1e-5, name);
        }
    }

    @Test
    void userErrorsAreOneLine(@TempDir Path dir) throws Exception {
        CliRun.of("diff", BASE.toString()).assertUserError(BASE);
        CliRun.of("diff", BASE.toString(), FIX.resolve("models/mlp.safetensors").toString())
                .assertUserError(FIX.resolve("models/mlp.safetensors"));
        Path trunc = dir.resolve("t.safetensors");
        Files.write(trunc, java.util.Arrays.copyOf(Files.readAllBytes(TUNED), 1000));
        CliRun.of("diff", BASE.toString(), trunc.toString()).assertUserError(trunc);
        // the report may not overwrite an input
        CliRun r = CliRun.of("diff", BASE.toString(), TUNED.toString(), "--report", TUNED.toString());
        assertEquals(2, r.exit());
        assertEquals("", r.out());
    }
}
