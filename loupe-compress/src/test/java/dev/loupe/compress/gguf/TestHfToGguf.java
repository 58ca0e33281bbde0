package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.data.Fixtures;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.gguf.GgufReader;
import dev.loupe.core.format.gguf.GgufTensorInfo;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.progress.Progress;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.perplexity.Convention;
import dev.loupe.lm.perplexity.Perplexity;
import dev.loupe.lm.perplexity.PerplexityResult;
import dev.loupe.lm.perplexity.TextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hugging Face folder -> GGUF against two independent references: the fixture script's own GGUF writer
 * (fixtures/lm/make_lm_fixtures.py: convert_hf_to_gguf.py's mapping and gguf-py's numpy Q8_0), and stock llama.cpp's
 * perplexity on the files Loupe writes (fixtures/lm/llama-cpp/loupe-*.json, node-llama-cpp 3.21.1).
 */
class TestHfToGguf {
    @TempDir
    Path dir;

    private static Path lm(String name) {
        return Fixtures.dir().resolve("lm").resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "gpt2"})
    void q8_0EqualsTheFixtureScriptsGguf(String name) {
        Path out = dir.resolve(name + ".gguf");
        HfToGguf.Result r = HfToGguf.convert(lm(name), out, GgufFileType.Q8_0, Progress.NONE);
        try (GgufCheckpoint mine = new GgufReader().open(out);
             GgufCheckpoint ref = new GgufReader().open(lm("gguf/" + name + "-q8_0.gguf"))) {
            assertEquals(r.tensors(), mine.tensors().size());
            List<String> keys = new ArrayList<>(ref.ggufMetadata().entries().keySet());
            assertEquals(keys, new ArrayList<>(mine.ggufMetadata().entries().keySet()));
            for (String k : keys) {
                if (!k.equals("general.name")) {
                    assertTrue(same(ref.ggufMetadata().entries().get(k), mine.ggufMetadata().entries().get(k)), k);
                }
            }
            List<GgufTensorInfo> a = ref.header().tensors();
            List<GgufTensorInfo> b = mine.header().tensors();
            assertEquals(a.stream().map(GgufTensorInfo::name).toList(), b.stream().map(GgufTensorInfo::name).toList());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).ne(), b.get(i).ne(), a.get(i).name());
                assertEquals(a.get(i).dtype(), b.get(i).dtype(), a.get(i).name());
                assertArrayEquals(bytes(ref.tensors().get(i)), bytes(mine.tensors().get(i)), a.get(i).name());
            }
        }
    }

    private static boolean same(GgufValue x, GgufValue y) {
        if (x instanceof GgufValue.FixedArray(var t, byte[] raw) && y instanceof GgufValue.FixedArray(var u, byte[] raw2)) {
            return t == u && Arrays.equals(raw, raw2);
        }
        return x.equals(y);
    }

    private static byte[] bytes(Tensor t) {
        return t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
    }

    /** Q4_0 as Loupe's GGUF reader dequantizes it: every element within one step of its block's amax / 8 of the source. */
    @Test
    void q4_0DequantizesNearTheSource() {
        Path out = dir.resolve("llama-q4_0.gguf");
        HfToGguf.convert(lm("llama"), out, GgufFileType.Q4_0, Progress.NONE);
        try (Checkpoint src = Checkpoints.open(lm("llama")); Checkpoint q = Checkpoints.open(out)) {
            Tensor w = src.tensors().stream().filter(t -> t.name().equals("model.layers.1.mlp.down_proj.weight")).findFirst().orElseThrow();
            Tensor g = q.tensors().stream().filter(t -> t.name().equals("blk.1.ffn_down.weight")).findFirst().orElseThrow();
            assertEquals(DType.Q4_0, g.dtype());
            assertArrayEquals(w.shape(), g.shape());
            float[] x = w.toFloats();
            float[] y = g.toFloats();
            double worst = 0;
            for (int b = 0; b < x.length / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[b * 32 + j]));
                }
                for (int j = 0; j < 32; j++) {
                    worst = Math.max(worst, Math.abs(x[b * 32 + j] - y[b * 32 + j]) / (amax / 8));
                }
            }
            assertTrue(worst <= 1.01, "worst error " + worst + " steps");
            assertTrue(worst > 0.4, "Q4_0 should lose precision: " + worst);
        }
    }

    /**
     * The Done-when check of issue 14: llama.cpp's perplexity on the GGUF Loupe wrote (stored peer output) and
     * Loupe's own llama.cpp-convention perplexity of the same file agree within 1 %; measured within 0.04 %, so the
     * test holds them to 0.1 %.
     */
    @ParameterizedTest
    @CsvSource({"llama,Q8_0", "llama,Q4_0", "gpt2,Q8_0", "llama,Q4_K_M", "gpt2,Q4_K_M"})
    void llamaCppPerplexityOfTheWrittenFileMatchesLoupe(String name, GgufFileType type) throws IOException {
        String tag = name + "-" + type.name().toLowerCase(java.util.Locale.ROOT);
        JsonNode peer = new ObjectMapper().readTree(lm("llama-cpp/loupe-" + tag + "-ctx128.json").toFile());
        Path out = dir.resolve(tag + ".gguf");
        HfToGguf.convert(lm(name), out, type, Progress.NONE);
        assertPerplexityMatches(out, peer, tag);
    }

    /** Loupe's llama.cpp-convention perplexity of {@code gguf} (n_ctx 128, held-out text) within 0.1 % of llama.cpp's stored run. */
    static void assertPerplexityMatches(Path gguf, JsonNode peer, String tag) {
        try (LanguageModel model = LanguageModel.open(gguf)) {
            int[] ids = model.tokenize(TextInput.read(Fixtures.dir().resolve("lm/heldout.txt")));
            assertEquals(peer.path("token_count").asInt(), ids.length);
            PerplexityResult p = Perplexity.evaluate(model, "heldout", ids, Convention.LLAMA_CPP, 128, 0, LinearObserver.NONE,
                    Progress.NONE);
            assertEquals(peer.path("tokens_scored").asLong(), p.tokensScored());
            assertEquals(1, p.perplexity() / peer.path("perplexity").asDouble(), 1e-3, tag);
        }
    }

    /**
     * A LLaMA folder with a SentencePiece tokenizer.model and no tokenizer.json (fixtures/lm/llama-spm): the vocabulary
     * keys equal what convert_hf_to_gguf.py derives through SentencePiece itself (spm-reference.json), and stock
     * llama.cpp, loading the file, tokenizes the held-out text to SentencePiece's own ids (stored peer run) while
     * Loupe's perplexity of the file matches llama.cpp's.
     */
    @Test
    void sentencePieceVocabularyAsConvertHfToGgufWritesIt() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(lm("llama-spm/spm-reference.json").toFile());
        Path out = dir.resolve("llama-spm.gguf");
        HfToGguf.convert(lm("llama-spm"), out, GgufFileType.Q8_0, Progress.NONE);
        try (GgufCheckpoint g = new GgufReader().open(out)) {
            var meta = g.ggufMetadata();
            assertEquals("llama", meta.string("tokenizer.ggml.model").orElseThrow());
            assertEquals("default", meta.string("tokenizer.ggml.pre").orElseThrow());
            List<String> tokens = new ArrayList<>();
            ref.get("tokens").forEach(t -> tokens.add(t.asText()));
            var stored = (GgufValue.ValueArray) meta.get("tokenizer.ggml.tokens").orElseThrow();
            assertEquals(tokens, stored.values().stream().map(v -> ((GgufValue.Str) v).value()).toList());
            var scores = (GgufValue.FixedArray) meta.get("tokenizer.ggml.scores").orElseThrow();
            var types = (GgufValue.FixedArray) meta.get("tokenizer.ggml.token_type").orElseThrow();
            assertEquals(512, scores.count());
            assertEquals(512, types.count());
            for (int i = 0; i < 512; i++) {
                assertEquals((float) ref.get("scores").get(i).asDouble(), (float) ((GgufValue.Real) scores.get(i)).value(), "score " + i);
                assertEquals(ref.get("token_type").get(i).asLong(), ((GgufValue.Int) types.get(i)).value(), "type " + i);
            }
            assertEquals(1L, meta.integer("tokenizer.ggml.bos_token_id").orElseThrow());
            assertEquals(2L, meta.integer("tokenizer.ggml.eos_token_id").orElseThrow());
            assertEquals(new GgufValue.Bool(true), meta.get("tokenizer.ggml.add_bos_token").orElseThrow());
            assertEquals(new GgufValue.Bool(false), meta.get("tokenizer.ggml.add_eos_token").orElseThrow());
        }
        JsonNode peer = new ObjectMapper().readTree(lm("llama-cpp/loupe-llama-spm-q8_0-ctx128.json").toFile());
        assertTrue(peer.path("llama_cpp_tokenizer_agrees").asBoolean(), "llama.cpp tokenized as SentencePiece does");
        assertPerplexityMatches(out, peer, "llama-spm");
    }

    @Test
    void aTruncatedTokenizerModelIsOneLineAndNothingWritten() throws IOException {
        Path folder = dir.resolve("spm");
        Files.createDirectories(folder);
        for (String f : List.of("config.json", "tokenizer_config.json", "model.safetensors")) {
            Files.copy(lm("llama-spm/" + f), folder.resolve(f));
        }
        byte[] model = Files.readAllBytes(lm("llama-spm/tokenizer.model"));
        Files.write(folder.resolve("tokenizer.model"), Arrays.copyOf(model, model.length / 2));
        Path out = dir.resolve("x.gguf");
        LoupeException e = assertThrows(LoupeException.class, () -> HfToGguf.convert(folder, out, GgufFileType.Q8_0, Progress.NONE));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains("tokenizer.model") && e.getMessage().contains("SentencePiece"), e.getMessage());
        assertFalse(Files.exists(out));
    }

    @Test
    void anOnnxClassifierIsNotAGgufArchitecture() {
        Path out = dir.resolve("x.gguf");
        LoupeException e = assertThrows(LoupeException.class,
                () -> HfToGguf.convert(Fixtures.dir().resolve("models/cnn.onnx"), out, GgufFileType.Q8_0, Progress.NONE));
        assertTrue(e.getMessage().contains("not a supported GGUF architecture"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        assertFalse(Files.exists(out));
    }
}
