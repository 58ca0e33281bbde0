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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordPieceTokenizerTest {
    @TempDir
    Path dir;

    /** A toy vocabulary worked by hand: ids are the positions in this list. */
    private Path toy() throws IOException {
        String[] words = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "hello", "!", ",", "cafe", "a", "##b"};
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < words.length; i++) {
            v.append(i == 0 ? "" : ",").append('"').append(words[i]).append("\":").append(i);
        }
        return Files.writeString(dir.resolve("tokenizer.json"), """
                {"normalizer": {"type": "BertNormalizer", "lowercase": true, "strip_accents": null},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 5, "vocab": {%s}}}""".formatted(v));
    }

    @Test
    void worksAToyVocabularyByHand() throws IOException {
        WordPieceTokenizer t = WordPieceTokenizer.load(toy(), 16);
        // "UNAFFABLE" -> lowercase "unaffable" (9 chars > max 5) -> [UNK]; "unaff" -> un ##aff;
        // "Héllo," -> hello , ; "Café!" -> cafe ! ; "abb" -> a ##b ##b ; "xyz" -> [UNK]
        assertArrayEquals(new long[]{2, 1, 4, 5, 7, 9, 10, 8, 11, 12, 12, 1, 3}, t.encode("UNAFFABLE unaff Héllo, Café! abb xyz"));
        assertEquals(List.of("a", ",", "b", "!", "!"), t.basicTokens("  A,\tb!!\n"));
        assertArrayEquals(new long[]{2, 7, 7, 3}, WordPieceTokenizer.load(toy(), 4).encode("hello hello hello"));
    }

    @Test
    void rejectsNonWordPieceTokenizers() throws IOException {
        Path bpe = Files.writeString(dir.resolve("bpe.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        LoupeException e = assertThrows(LoupeException.class, () -> WordPieceTokenizer.load(bpe, 16));
        assertTrue(e.getMessage().contains("only WordPiece"), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.json"), "{not json");
        assertThrows(LoupeException.class, () -> WordPieceTokenizer.load(junk, 16));
    }

    /** Ids from fixtures/make_minilm_reference.py (BERT's own algorithm re-typed in Python, see its docstring). */
    @Test
    void matchesTheIndependentPythonIdsOnTheMiniLmVocabulary() throws IOException {
        JsonNode ref = new ObjectMapper().readTree(Fixtures.dir().resolve("minilm/reference.json").toFile());
        WordPieceTokenizer t = WordPieceTokenizer.load(BundledModels.miniLmTokenizer(), ref.path("max_length").asInt());
        int n = 0;
        for (JsonNode s : ref.path("token_ids")) {
            long[] expected = new long[s.path("ids").size()];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = s.path("ids").get(i).asLong();
            }
            assertArrayEquals(expected, t.encode(s.path("text").asText()), s.path("text").asText());
            n++;
        }
        assertTrue(n >= 200);
    }
}
