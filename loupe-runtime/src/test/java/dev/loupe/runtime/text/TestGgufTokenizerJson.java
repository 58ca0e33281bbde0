package dev.loupe.runtime.text;

import dev.loupe.core.format.gguf.GgufMetadata;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.format.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** GGUF vocabularies turned into tokenizer.json and run by the tokenizers library, on hand-worked cases. */
class TestGgufTokenizerJson {
    private static final Path FILE = Path.of("test.gguf");

    private static GgufValue strings(List<String> s) {
        return new GgufValue.ValueArray(GgufValueType.STRING, s.stream().map(x -> (GgufValue) new GgufValue.Str(x)).toList());
    }

    private static GgufValue fixed(GgufValueType t, double[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double x : v) {
            if (t == GgufValueType.FLOAT32) {
                b.putFloat((float) x);
            } else {
                b.putInt((int) x);
            }
        }
        return new GgufValue.FixedArray(t, b.array());
    }

    /**
     * SentencePiece BPE, worked by hand as llama.cpp's llm_tokenizer_spm does it: "ab ac" → "▁ab▁ac"; the best-scored
     * bigram is merged first: ▁a (−2) twice → "▁a b ▁a c"; then ▁ab (−1) → "▁ab ▁a c"; "c" is not a piece → byte
     * fallback &lt;0x63&gt;; BOS (id 1) prepended by default.
     */
    @Test
    void sentencePieceVocabularyWithByteFallback() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Double> types = new ArrayList<>(List.of(2.0, 3.0, 3.0));
        List<Double> scores = new ArrayList<>(List.of(0.0, 0.0, 0.0));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6.0);
            scores.add(0.0);
        }
        String[] pieces = {"\u2581", "a", "b", "\u2581ab", "\u2581a", "ab"};
        double[] pieceScores = {-5, -6, -7, -1, -2, -3};
        for (int i = 0; i < pieces.length; i++) {
            tokens.add(pieces[i]);
            types.add(1.0);
            scores.add(pieceScores[i]);
        }
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", new GgufValue.Str("llama"));
        m.put("tokenizer.ggml.tokens", strings(tokens));
        m.put("tokenizer.ggml.scores", fixed(GgufValueType.FLOAT32, scores.stream().mapToDouble(Double::doubleValue).toArray()));
        m.put("tokenizer.ggml.token_type", fixed(GgufValueType.INT32, types.stream().mapToDouble(Double::doubleValue).toArray()));
        m.put("tokenizer.ggml.bos_token_id", new GgufValue.Int(GgufValueType.UINT32, 1));
        try (HfTokenizer t = HfTokenizer.fromJson(GgufTokenizerJson.of(FILE, new GgufMetadata(m)), FILE)) {
            int base = 3 + 256;
            assertArrayEquals(new int[]{1, base + 3, base + 4, 3 + 0x63}, t.encode("ab ac", true));
            // "a b" → "▁a▁b": ▁a merges, ▁b is no piece → ▁a ▁ b; no BOS without special tokens
            assertArrayEquals(new int[]{base + 4, base, base + 2}, t.encode("a b", false));
        }
    }

    /** Byte-level BPE: GPT-2's byte symbols, one merge ("Ġ" + "a"), the GPT-2 split regex, no BOS by default. */
    @Test
    void byteLevelVocabularyWithMerges() {
        List<String> tokens = new ArrayList<>();
        for (int b = 33; b <= 126; b++) {
            tokens.add(String.valueOf((char) b));
        }
        tokens.add("\u0120"); // byte 0x20 (space) in GPT-2's bytes_to_unicode
        tokens.add("\u0120a");
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("tokenizer.ggml.model", new GgufValue.Str("gpt2"));
        m.put("tokenizer.ggml.tokens", strings(tokens));
        m.put("tokenizer.ggml.merges", strings(List.of("\u0120 a")));
        try (HfTokenizer t = HfTokenizer.fromJson(GgufTokenizerJson.of(FILE, new GgufMetadata(m)), FILE)) {
            int a = 'a' - 33;
            int b = 'b' - 33;
            // "ab a b" → pre-tokens "ab", " a", " b" → a b | Ġa | Ġ b
            assertArrayEquals(new int[]{a, b, 95, 94, b}, t.encode("ab a b", true));
        }
    }
}
