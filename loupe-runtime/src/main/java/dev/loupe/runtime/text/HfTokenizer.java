package dev.loupe.runtime.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Any Hugging Face {@code tokenizer.json} (BPE, byte-level BPE, WordPiece, Unigram, with its normalizer,
 * pre-tokenizer and post-processor) run by the real Rust tokenizers library through DJL
 * ({@code ai.djl.huggingface:tokenizers}, native library bundled in the jar, nothing downloaded). Truncation and
 * padding are off: perplexity tokenizes a whole text and windows it itself.
 */
public final class HfTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> OPTIONS = Map.of("truncation", "false", "padding", "false",
            "addSpecialTokens", "true", "modelMaxLength", String.valueOf(Integer.MAX_VALUE));

    private final HuggingFaceTokenizer tokenizer;
    private final Path source;
    private final int maxId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Path source, int maxId) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.maxId = maxId;
    }

    /** Loads a tokenizer.json; a file that is not one is a LoupeException naming it. */
    public static HfTokenizer load(Path tokenizerJson) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(tokenizerJson);
        } catch (IOException e) {
            throw new LoupeException(tokenizerJson, Files.exists(tokenizerJson) ? "cannot read: " + e.getMessage() : "no such file", e);
        }
        return fromJson(new String(bytes, StandardCharsets.UTF_8), tokenizerJson);
    }

    /** A tokenizer from tokenizer.json text ({@code origin} names the file in errors; GGUF vocabularies come this way). */
    public static HfTokenizer fromJson(String json, Path origin) {
        int maxId;
        try {
            maxId = maxId(JSON.readTree(json));
        } catch (IOException e) {
            throw new LoupeException(origin, "not a valid tokenizer.json: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), OPTIONS);
            return new HfTokenizer(t, origin, maxId);
        } catch (IOException | RuntimeException e) {
            throw new LoupeException(origin, "the tokenizers library rejects this tokenizer.json: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getSimpleName()), e);
        }
    }

    /** Token ids of {@code text}; {@code addSpecialTokens} applies the post-processor (e.g. LLaMA's BOS). */
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = tokenizer.encode(text, addSpecialTokens, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        return out;
    }

    /** The text of {@code ids} (special tokens skipped). */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    /** The largest id the tokenizer can produce (vocabulary and added tokens), to check against a model's vocabulary. */
    public int maxId() {
        return maxId;
    }

    public Path source() {
        return source;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int maxId(JsonNode root) {
        int max = -1;
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (JsonNode id : vocab) {
                max = Math.max(max, id.asInt());
            }
        } else if (vocab.isArray()) { // Unigram: [[piece, score], ...], ids are positions
            max = vocab.size() - 1;
        }
        for (JsonNode t : root.path("added_tokens")) {
            max = Math.max(max, t.path("id").asInt());
        }
        return max;
    }
}
