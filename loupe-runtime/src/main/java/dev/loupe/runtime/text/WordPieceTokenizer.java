package dev.loupe.runtime.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The BERT tokenizer described by a Hugging Face tokenizer.json whose model is WordPiece with a BertNormalizer
 * and BertPreTokenizer (as all-MiniLM-L6-v2's is): clean text, pad CJK ideographs with spaces, lowercase, strip
 * accents (NFD then drop combining marks), split on whitespace and punctuation, then greedy longest-match
 * WordPiece with "##" continuations, [UNK] for words that cannot be split or are longer than 100 chars, and
 * [CLS] ... [SEP] around the result, truncated to {@code maxLength}.
 *
 * <p>Why still hand-written, now that {@link HfTokenizer} runs the real Hugging Face tokenizers (DJL) for language
 * models: its tests hand it partial tokenizer.json files (a toy vocabulary with only "model" and "normalizer", a
 * {@code max_input_chars_per_word} of 5) that the Rust library rejects as incomplete, and its callers (eval's
 * embeddings, compress and landscape on MiniLM) rely on its truncation to {@code maxLength}, which DJL applies only
 * through its own options; moving them is a change of contract for code another part of the project owns, not a
 * drop-in swap. It is checked token for token against ids from an independent implementation (fixtures/minilm/).
 */
public final class WordPieceTokenizer {
    private final Map<String, Integer> vocab;
    private final boolean lowercase;
    private final boolean stripAccents;
    private final int maxLength;
    private final int cls;
    private final int sep;
    private final int unk;
    private final int maxWordChars;

    private WordPieceTokenizer(Map<String, Integer> vocab, boolean lowercase, boolean stripAccents, int maxLength, int maxWordChars,
                               Path file) {
        this.vocab = vocab;
        this.lowercase = lowercase;
        this.stripAccents = stripAccents;
        this.maxLength = maxLength;
        this.maxWordChars = maxWordChars;
        this.cls = id(vocab, "[CLS]", file);
        this.sep = id(vocab, "[SEP]", file);
        this.unk = id(vocab, "[UNK]", file);
    }

    /** Reads a tokenizer.json; {@code maxLength} counts [CLS] and [SEP] (256 for all-MiniLM-L6-v2). */
    public static WordPieceTokenizer load(Path tokenizerJson, int maxLength) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new LoupeException(tokenizerJson, "not a readable tokenizer.json: " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new LoupeException(tokenizerJson, "tokenizer model is '" + model.path("type").asText() + "', only WordPiece is supported");
        }
        if (!"##".equals(model.path("continuing_subword_prefix").asText("##"))) {
            throw new LoupeException(tokenizerJson, "only the '##' continuation prefix is supported");
        }
        Map<String, Integer> vocab = new HashMap<>();
        model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        JsonNode norm = root.path("normalizer");
        boolean lower = norm.path("lowercase").asBoolean(true);
        // HF BertNormalizer: strip_accents null means "same as lowercase".
        boolean strip = norm.path("strip_accents").isBoolean() ? norm.path("strip_accents").asBoolean() : lower;
        if (maxLength < 3) {
            throw new LoupeException(tokenizerJson, "maximum length must be at least 3, got " + maxLength);
        }
        return new WordPieceTokenizer(vocab, lower, strip, maxLength, model.path("max_input_chars_per_word").asInt(100), tokenizerJson);
    }

    private static int id(Map<String, Integer> vocab, String token, Path file) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new LoupeException(file, "vocabulary has no " + token + " token");
        }
        return id;
    }

    /** Token ids of one text: [CLS], word pieces (truncated), [SEP]. */
    public long[] encode(String text) {
        List<Long> ids = new ArrayList<>();
        ids.add((long) cls);
        for (String word : basicTokens(text)) {
            for (int piece : wordPieces(word)) {
                if (ids.size() < maxLength - 1) {
                    ids.add((long) piece);
                }
            }
        }
        ids.add((long) sep);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** BertNormalizer + BertPreTokenizer: the words and punctuation marks, normalized. */
    List<String> basicTokens(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
            }
            if (isCjk(c)) {
                clean.append(' ').appendCodePoint(c).append(' ');
            } else {
                clean.appendCodePoint(isWhitespace(c) ? ' ' : c);
            }
        });
        String s = clean.toString();
        if (lowercase) {
            s = s.toLowerCase(java.util.Locale.ROOT);
        }
        if (stripAccents) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD).codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        }
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (isWhitespace(c) || isPunctuation(c)) {
                if (!word.isEmpty()) {
                    out.add(word.toString());
                    word.setLength(0);
                }
                if (isPunctuation(c)) {
                    out.add(new String(Character.toChars(c)));
                }
            } else {
                word.appendCodePoint(c);
            }
        });
        if (!word.isEmpty()) {
            out.add(word.toString());
        }
        return out;
    }

    /** Greedy longest-match-first WordPiece; a word with any unmatched remainder becomes one [UNK]. */
    List<Integer> wordPieces(String word) {
        if (word.codePointCount(0, word.length()) > maxWordChars) {
            return List.of(unk);
        }
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (end > start) {
                String sub = (start > 0 ? "##" : "") + word.substring(start, end);
                found = vocab.get(sub);
                if (found != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (found == null) {
                return List.of(unk);
            }
            pieces.add(found);
            start = end;
        }
        return pieces;
    }

    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int t = Character.getType(c);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE || t == Character.SURROGATE
                || t == Character.UNASSIGNED;
    }

    /** ASCII symbols count as punctuation in BERT, plus every Unicode P* category. */
    private static boolean isPunctuation(int c) {
        if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION || t == Character.OTHER_PUNCTUATION;
    }

    private static boolean isCjk(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
