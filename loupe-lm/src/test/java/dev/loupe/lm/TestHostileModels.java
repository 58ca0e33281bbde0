package dev.loupe.lm;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad model folder is one LoupeException line naming the file and the field. */
class TestHostileModels {
    @TempDir
    Path dir;

    private Path folder() {
        return TinyLmAccess.llama(dir, 1);
    }

    private String fail(Path model) {
        LoupeException e = assertThrows(LoupeException.class, () -> LanguageModel.open(model).close());
        assertEquals(1, e.getMessage().lines().count());
        return e.getMessage();
    }

    private void edit(Path f, String from, String to) throws IOException {
        String s = Files.readString(f);
        assertTrue(s.contains(from), from);
        Files.writeString(f, s.replace(from, to));
    }

    @Test
    void truncatedConfig() throws IOException {
        Path m = folder();
        Path c = m.resolve("config.json");
        Files.writeString(c, Files.readString(c).substring(0, 40));
        String msg = fail(m);
        assertTrue(msg.startsWith(c + ": is not valid JSON"), msg);
    }

    @Test
    void missingField() throws IOException {
        Path m = folder();
        edit(m.resolve("config.json"), "\"intermediate_size\"", "\"intermediate\"");
        assertTrue(fail(m).endsWith("config.json: missing field \"intermediate_size\""), fail(m));
    }

    @Test
    void absurdLayerCount() throws IOException {
        Path m = folder();
        edit(m.resolve("config.json"), "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 100000");
        assertTrue(fail(m).contains("config.json: field \"num_hidden_layers\" = 100000 is outside 1..1024"), fail(m));
    }

    @Test
    void moreLayersThanTheWeightsHold() throws IOException {
        Path m = folder();
        edit(m.resolve("config.json"), "\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        assertTrue(fail(m).contains("missing tensor 'model.layers.2.input_layernorm.weight'"), fail(m));
    }

    @Test
    void partialRotaryIsRefusedNotIgnored() throws IOException {
        Path m = folder();
        edit(m.resolve("config.json"), "\"rope_theta\"", "\"partial_rotary_factor\": 0.5, \"rope_theta\"");
        assertTrue(fail(m).contains("config.json: field \"partial_rotary_factor\" = 0.5: only full rotary embeddings (1.0) are supported"), fail(m));
    }

    @Test
    void unknownArchitecture() throws IOException {
        Path m = folder();
        edit(m.resolve("config.json"), "LlamaForCausalLM", "BertModel");
        assertTrue(fail(m).contains("architecture \"BertModel\" is not a supported decoder LM"), fail(m));
    }

    @Test
    void vocabularyNotTheEmbeddingRows() throws IOException {
        Path m = folder();
        edit(m.resolve("config.json"), "\"vocab_size\": 23", "\"vocab_size\": 24");
        assertTrue(fail(m).contains("vocabulary size 24 (config) does not match the 23 rows of 'model.embed_tokens.weight'"), fail(m));
    }

    @Test
    void tokenizerIdsBeyondTheVocabulary() throws IOException {
        Path m = folder();
        Path tok = Files.writeString(m.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1, "far": 40}, "unk_token": "a"}}""");
        String msg = fail(m);
        assertTrue(msg.startsWith(tok + ": the tokenizer has ids up to 40 but the model's vocabulary has 23 rows"), msg);
    }

    @Test
    void aWorkingTokenizerIsUsed() throws IOException {
        Path m = folder();
        Files.writeString(m.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [], "normalizer": null,
                 "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"a": 0, "b": 1, "c": 22}, "unk_token": "a"}}""");
        try (LanguageModel lm = LanguageModel.open(m)) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[]{1, 22, 0, 1}, lm.tokenize("b c zzz b"));
        }
    }
}
