package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.format.gguf.GgufValues;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face byte-level BPE {@code tokenizer.json} as llama.cpp's {@code tokenizer.ggml.*} keys, the way
 * convert_hf_to_gguf.py's {@code get_vocab_base} / {@code _set_vocab_gpt2} write it: one token per id up to the
 * model's vocab_size ("[PADi]", type UNUSED, for ids no token has), type CONTROL for special added tokens,
 * USER_DEFINED for other added tokens, NORMAL otherwise; merges as "a b"; the pre-tokenizer by name.
 */
final class HfVocab {
    /** llama.cpp's {@code llama_token_type} (gguf-py TokenType), for this and {@link SpmVocab}. */
    static final int NORMAL = 1;
    static final int UNKNOWN = 2;
    static final int CONTROL = 3;
    static final int USER_DEFINED = 4;
    static final int UNUSED = 5;
    static final int BYTE = 6;
    /** Llama 3's pre-tokenizer split (tokenizer.json {@code Split.pattern.Regex}), which llama.cpp calls llama-bpe. */
    private static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** Qwen2's: Llama 3's with single digits. */
    private static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private HfVocab() {
    }

    /**
     * The tokenizer keys, in convert_hf_to_gguf.py's order. {@code vocabSize} is config.json's; bos/eos ids are
     * config.json's (-1: none); {@code addBos} tokenizer_config.json's {@code add_bos_token}.
     */
    static Map<String, GgufValue> metadata(Path file, JsonNode tok, int vocabSize, int bos, int eos, boolean addBos) {
        JsonNode model = tok.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new LoupeException(file, "tokenizer model \"" + model.path("type").asText() + "\" is not supported for "
                    + "GGUF output (byte-level BPE only: GPT-2, Llama 3, Qwen2)");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new LoupeException(file, "a SentencePiece-style vocabulary (BPE with byte_fallback) is not supported for "
                    + "GGUF output yet (byte-level BPE only: GPT-2, Llama 3, Qwen2)");
        }
        Map<Integer, String> byId = new HashMap<>();
        model.path("vocab").properties().forEach(e -> byId.put(e.getValue().asInt(), e.getKey()));
        Map<Integer, Boolean> added = new HashMap<>();
        for (JsonNode a : tok.path("added_tokens")) {
            byId.put(a.path("id").asInt(), a.path("content").asText());
            added.put(a.path("id").asInt(), a.path("special").asBoolean(false));
        }
        int n = Math.max(vocabSize, byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1);
        List<String> tokens = new ArrayList<>(n);
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            tokens.add(t != null ? t : "[PAD" + i + "]");
            types[i] = t == null ? UNUSED : added.containsKey(i) ? (added.get(i) ? CONTROL : USER_DEFINED) : NORMAL;
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.path(0).asText() + " " + m.path(1).asText() : m.asText());
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValues.str("gpt2"));
        kv.put("tokenizer.ggml.pre", GgufValues.str(pre(file, tok.path("pre_tokenizer"))));
        kv.put("tokenizer.ggml.tokens", GgufValues.strings(tokens));
        kv.put("tokenizer.ggml.token_type", GgufValues.i32s(types));
        kv.put("tokenizer.ggml.merges", GgufValues.strings(merges));
        if (bos >= 0) {
            kv.put("tokenizer.ggml.bos_token_id", GgufValues.u32(bos));
        }
        if (eos >= 0) {
            kv.put("tokenizer.ggml.eos_token_id", GgufValues.u32(eos));
        }
        kv.put("tokenizer.ggml.add_bos_token", GgufValues.bool(addBos));
        return kv;
    }

    /** llama.cpp's name for the pre-tokenizer (convert_hf_to_gguf.py picks it by hashing; we match the structure). */
    private static String pre(Path file, JsonNode p) {
        if ("ByteLevel".equals(p.path("type").asText()) && p.path("use_regex").asBoolean(true)) {
            return "gpt-2";
        }
        if ("Sequence".equals(p.path("type").asText())) {
            String regex = p.path("pretokenizers").path(0).path("pattern").path("Regex").asText("");
            if (regex.equals(LLAMA3_SPLIT)) {
                return "llama-bpe";
            }
            if (regex.equals(QWEN2_SPLIT)) {
                return "qwen2";
            }
        }
        throw new LoupeException(file, "pre-tokenizer " + p + " is not one llama.cpp names here (GPT-2 ByteLevel, "
                + "Llama 3 or Qwen2 split)");
    }
}
