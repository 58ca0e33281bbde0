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

    /**
     * The hostile LMs through the real CLI (eval and compress --out): a truncated config, an absurd layer
     * count, a context beyond the position table, a tokenizer whose ids exceed the vocabulary; plus an ONNX decoder
     * whose logits are narrower than its tokenizer. Each: exit 2, nothing on stdout, one stderr line naming the file,
     * no output written, the inputs unchanged.
     */
    @Test
    void hostileLanguageModelsAreOneLineEachAndWriteNothing() throws Exception {
        Path f = Fixtures.dir().resolve("lm");
        Path truncated = copyLlama("truncated");
        Files.writeString(truncated.resolve("config.json"), Files.readString(truncated.resolve("config.json")).substring(0, 100));
        Path layers = copyLlama("layers");
        Files.writeString(layers.resolve("config.json"), Files.readString(layers.resolve("config.json"))
                .replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 1000000"));
        Path tokens = copyLlama("tokens");
        Files.writeString(tokens.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"a": 0, "the": 1, "far": 600}, "unk_token": "a"}}""");
        String text = f.resolve("heldout.txt").toString();
        String calibration = f.resolve("calibration.txt").toString();
        record Case(String[] args, String names) {
        }
        java.util.List<Case> cases = new java.util.ArrayList<>();
        for (Path m : java.util.List.of(truncated, layers, tokens)) {
            String why = m == truncated ? "config.json: is not valid JSON" : m == layers
                    ? "config.json: field \"num_hidden_layers\" = 1000000 is outside 1..1024"
                    : "tokenizer.json: the tokenizer has ids up to 600 but the model's vocabulary has 512 rows";
            cases.add(new Case(new String[] {"eval", m.toString(), "--text", text, "--context", "128", "--json"}, m + "/" + why));
            cases.add(new Case(new String[] {"compress", m.toString(), "--method", "wanda", "--sparsity", "0.5", "--calibration",
                    calibration, "--context", "128", "--out", dir.resolve("out-" + m.getFileName() + ".safetensors").toString()}, m + "/" + why));
        }
        cases.add(new Case(new String[] {"eval", f.resolve("llama").toString(), "--text", text, "--context", "300"},
                f.resolve("llama") + ": --context 300 is longer than the model's 256 positions"));
        cases.add(new Case(new String[] {"compress", f.resolve("llama").toString(), "--method", "wanda", "--sparsity", "0.5",
                "--calibration", calibration, "--context", "300", "--eval", "--text", text, "--out",
                dir.resolve("out-positions.safetensors").toString()}, "--context 300 is longer than the model's 256 positions"));
        cases.add(new Case(new String[] {"eval", f.resolve("onnx/vocab8.onnx").toString(), "--text", text, "--tokenizer",
                f.resolve("llama/tokenizer.json").toString()},
                f.resolve("llama/tokenizer.json") + ": the tokenizer has ids up to 511 but the model's logits cover a vocabulary of 8"));
        java.util.Map<Path, Integer> before = contents(truncated, layers, tokens);
        java.util.List<String> failures = new java.util.ArrayList<>();
        for (Case c : cases) {
            CliRun r = CliRun.of(c.args());
            if (r.exit() != 2 || !r.out().isEmpty() || r.err().lines().count() != 1 || !r.err().startsWith("loupe: ")
                    || !r.err().contains(c.names())) {
                failures.add(String.join(" ", c.args()) + " -> exit " + r.exit() + ", stdout " + r.out().lines().limit(1).toList()
                        + ", stderr " + r.err().lines().limit(3).toList());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        try (var left = Files.list(dir)) {
            assertEquals(java.util.List.of(), left.filter(p -> p.getFileName().toString().startsWith("out-")).toList(), "outputs written");
        }
        assertEquals(before, contents(truncated, layers, tokens), "the input folders are left as they were");
    }

    private static java.util.Map<Path, Integer> contents(Path... folders) throws java.io.IOException {
        java.util.Map<Path, Integer> m = new java.util.TreeMap<>();
        for (Path d : folders) {
            try (var s = Files.list(d)) {
                for (Path p : s.toList()) {
                    m.put(p, java.util.Arrays.hashCode(Files.readAllBytes(p)));
                }
            }
        }
        return m;
    }

    /** The llama fixture's Hugging Face files (not its ONNX exports) copied into {@code dir/name}. */
    private Path copyLlama(String name) throws java.io.IOException {
        Path to = Files.createDirectories(dir.resolve(name));
        for (String file : java.util.List.of("config.json", "generation_config.json", "model.safetensors", "tokenizer.json",
                "tokenizer_config.json")) {
            Files.copy(Fixtures.dir().resolve("lm/llama").resolve(file), to.resolve(file));
        }
        return to;
    }
}
