package dev.loupe.runtime.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;
import dev.loupe.core.bundled.BundledModels;
import dev.loupe.core.data.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestHfTokenizer {
    @TempDir
    Path dir;

    /** The real tokenizers library on MiniLM's tokenizer.json gives the independent reference ids (fixtures/minilm). */
    @Test
    void matchesTheMiniLmReferenceIds() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir().resolve("minilm/reference.json").toFile());
        int max = ref.path("max_length").asInt();
        int n = 0;
        try (HfTokenizer t = HfTokenizer.load(BundledModels.miniLmTokenizer())) {
            for (JsonNode s : ref.path("token_ids")) {
                JsonNode ids = s.path("ids");
                if (ids.size() >= max) {
                    continue; // the reference truncates; HfTokenizer never does
                }
                int[] expected = new int[ids.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = ids.get(i).asInt();
                }
                assertArrayEquals(expected, t.encode(s.path("text").asText(), true), s.path("text").asText());
                n++;
            }
            assertEquals(30522 - 1, t.maxId());
        }
        assertTrue(n >= 150, "sentences compared: " + n);
    }

    /** Why WordPieceTokenizer stays: the partial tokenizer.json its tests use is not one the library accepts. */
    @Test
    void rejectsPartialTokenizerJsonWithOneLine() throws IOException {
        Path toy = Files.writeString(dir.resolve("tokenizer.json"), """
                {"normalizer": {"type": "BertNormalizer", "lowercase": true, "strip_accents": null},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 5, "vocab": {"[UNK]": 0, "a": 1}}}""");
        LoupeException e = assertThrows(LoupeException.class, () -> HfTokenizer.load(toy));
        assertTrue(e.getMessage().startsWith(toy + ": the tokenizers library rejects this tokenizer.json"), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.json"), "{not json");
        assertThrows(LoupeException.class, () -> HfTokenizer.load(junk));
    }
}
