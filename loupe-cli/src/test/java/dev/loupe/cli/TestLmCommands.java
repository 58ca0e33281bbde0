package dev.loupe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code eval} and {@code compress} on the fixture decoder LMs (fixtures/lm), against torch's manifest. */
class TestLmCommands {
    @TempDir
    Path dir;

    private static JsonNode llama() throws Exception {
        return new ObjectMapper().readTree(Fixtures.dir().resolve("lm/manifest.json").toFile()).path("models").path("llama");
    }

    @Test
    void evalPrintsTorchsPerplexityAsJson() throws Exception {
        Path f = Fixtures.dir().resolve("lm");
        JsonNode want = llama().path("perplexity_llama_cpp").path(0);
        CliRun r = CliRun.of("eval", f.resolve("gguf/llama-f32.gguf").toString(), "--text", f.resolve("heldout.txt").toString(),
                "--llama-cpp", "--context", "128", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        assertEquals(want.path("perplexity").asDouble(), got.path("perplexity").asDouble(), 1e-4 * want.path("perplexity").asDouble());
        assertEquals(want.path("tokens_scored").asLong(), got.path("tokensScored").asLong());
        assertEquals("llama_cpp", got.path("convention").asText());
    }

    /** An Optimum-style ONNX export (with past) of the llama fixture: torch's sliding-window perplexity through the CLI. */
    @Test
    void evalRunsAnOnnxDecoder() throws Exception {
        Path f = Fixtures.dir().resolve("lm");
        JsonNode want = llama().path("perplexity_hf").path(0);
        CliRun r = CliRun.of("eval", f.resolve("llama/model-with-past.onnx").toString(), "--text", f.resolve("heldout.txt").toString(),
                "--context", want.path("context").asText(), "--stride", want.path("stride").asText(), "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode got = new ObjectMapper().readTree(r.out());
        assertEquals(want.path("perplexity").asDouble(), got.path("perplexity").asDouble(), 1e-4 * want.path("perplexity").asDouble());
        assertEquals(want.path("tokens_scored").asLong(), got.path("tokensScored").asLong());
    }

    /** A classifier or a sentence encoder asked for perplexity: one line naming the model, exit 2. */
    @Test
    void anOnnxModelThatIsNotADecoderIsOneLine() {
        Path cnn = Fixtures.dir().resolve("models/cnn.onnx");
        CliRun r = CliRun.of("eval", cnn.toString(), "--text", Fixtures.dir().resolve("lm/heldout.txt").toString(), "--llama-cpp");
        r.assertUserError(cnn);
        assertTrue(r.err().contains("is not a decoder LM"), r.err());
    }

    /** Wanda at 50 % with norms from the calibration text; "before" is torch's sliding-window perplexity (N=128, S=64). */
    @Test
    void compressWandaReportsPerplexityBeforeAndAfter() throws Exception {
        Path f = Fixtures.dir().resolve("lm");
        Path out = dir.resolve("llama-w50.safetensors");
        CliRun r = CliRun.of("compress", f.resolve("llama").toString(), "--method", "wanda", "--sparsity", "0.5",
                "--calibration", f.resolve("calibration.txt").toString(), "--calibration-samples", "8", "--context", "128",
                "--eval", "--text", f.resolve("heldout.txt").toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("perplexity ([0-9.]+) -> ([0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double before = Double.parseDouble(m.group(1));
        double after = Double.parseDouble(m.group(2));
        assertEquals(llama().path("perplexity_hf").path(0).path("perplexity").asDouble(), before, 1e-4);
        assertTrue(after > before, "pruning half the weights of a trained model costs perplexity: " + r.out());
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void contextBeyondThePositionTableIsOneLineAndWritesNothing() {
        Path f = Fixtures.dir().resolve("lm");
        CliRun r = CliRun.of("eval", f.resolve("llama").toString(), "--text", f.resolve("heldout.txt").toString(), "--context", "300");
        r.assertUserError(f.resolve("llama"));
        assertTrue(r.err().contains("longer than the model's 256 positions"), r.err());
        Path out = dir.resolve("never.safetensors");
        CliRun c = CliRun.of("compress", f.resolve("llama").toString(), "--method", "wanda", "--sparsity", "0.5",
                "--calibration", f.resolve("calibration.txt").toString(), "--context", "300", "--out", out.toString());
        assertEquals(2, c.exit(), c.err());
        assertEquals(1, c.err().lines().count(), c.err());
        assertFalse(Files.exists(out));
    }
}
