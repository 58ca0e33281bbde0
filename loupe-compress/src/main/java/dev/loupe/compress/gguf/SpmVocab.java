package dev.loupe.compress.gguf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.core.format.gguf.GgufValue;
import dev.loupe.core.format.gguf.GgufValues;
import dev.loupe.core.format.sentencepiece.SentencePieceModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.loupe.compress.gguf.HfVocab.BYTE;
import static dev.loupe.compress.gguf.HfVocab.CONTROL;
import static dev.loupe.compress.gguf.HfVocab.NORMAL;
import static dev.loupe.compress.gguf.HfVocab.UNKNOWN;
import static dev.loupe.compress.gguf.HfVocab.UNUSED;
import static dev.loupe.compress.gguf.HfVocab.USER_DEFINED;

/**
 * A SentencePiece {@code tokenizer.model} as llama.cpp's {@code tokenizer.ggml.*} keys, the way convert_hf_to_gguf.py
 * writes a LLaMA-style folder ({@code _set_vocab_sentencepiece} / {@code _create_vocab_sentencepiece}, then gguf-py's
 * {@code SpecialVocab}): model "llama", pre "default"; one token per id up to config.json's vocab_size, "[PADi]" with
 * score −10000 and type UNUSED where the model has no piece; the piece's score, and its type UNKNOWN, CONTROL, UNUSED or
 * BYTE as SentencePiece says, NORMAL otherwise (user-defined pieces included, as there); added_tokens.json's tokens
 * USER_DEFINED and tokenizer_config.json's added_tokens_decoder CONTROL when special or special-looking, else
 * USER_DEFINED with "▁" read as a space, both scored −1000; then the special token ids config.json gives and
 * tokenizer_config.json's add_bos_token / add_eos_token and chat_template.
 */
final class SpmVocab {
    /** gguf-py SpecialVocab's special_token_types, in its order. */
    private static final List<String> SPECIAL = List.of("bos", "eos", "unk", "sep", "pad", "cls", "mask");

    private SpmVocab() {
    }

    /**
     * The tokenizer keys. {@code config} is config.json, {@code tokenizerConfig} tokenizer_config.json (or null),
     * {@code addedTokens} added_tokens.json (or null), {@code vocabSize} config.json's vocab_size (≤ 0: the model's).
     */
    static Map<String, GgufValue> metadata(SentencePieceModel sp, int vocabSize, JsonNode config, JsonNode tokenizerConfig,
                                           JsonNode addedTokens) {
        int n = vocabSize > 0 ? vocabSize : sp.pieces().size();
        List<String> tokens = new ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            tokens.add("[PAD" + i + "]");
        }
        Arrays.fill(scores, -10000f);
        Arrays.fill(types, UNUSED);
        for (int id = 0; id < Math.min(n, sp.pieces().size()); id++) {
            SentencePieceModel.Piece p = sp.pieces().get(id);
            tokens.set(id, p.piece());
            scores[id] = p.score();
            types[id] = switch (p.type()) {
                case UNKNOWN -> UNKNOWN;
                case CONTROL -> CONTROL;
                case UNUSED -> UNUSED;
                case BYTE -> BYTE;
                case NORMAL, USER_DEFINED -> NORMAL;
            };
        }
        if (addedTokens != null) {
            addedTokens.properties().forEach(e -> {
                int id = e.getValue().asInt(-1);
                if (id >= 0 && id < n) {
                    tokens.set(id, e.getKey());
                    scores[id] = -1000f;
                    types[id] = USER_DEFINED;
                }
            });
        }
        if (tokenizerConfig != null) {
            tokenizerConfig.path("added_tokens_decoder").properties().forEach(e -> {
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException x) {
                    return;
                }
                if (id < 0 || id >= n) {
                    return;
                }
                String token = e.getValue().path("content").asText();
                if (e.getValue().path("special").asBoolean(false) || looksSpecial(token)) {
                    types[id] = CONTROL;
                } else {
                    token = token.replace("\u2581", " "); // pre-normalize user-defined spaces
                    types[id] = USER_DEFINED;
                }
                scores[id] = -1000f;
                tokens.set(id, token);
            });
        }
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", GgufValues.str("llama"));
        kv.put("tokenizer.ggml.pre", GgufValues.str("default"));
        kv.put("tokenizer.ggml.tokens", GgufValues.strings(tokens));
        kv.put("tokenizer.ggml.scores", GgufValues.f32s(scores));
        kv.put("tokenizer.ggml.token_type", GgufValues.i32s(types));
        for (String typ : SPECIAL) {
            JsonNode id = config.path(typ + "_token_id");
            if (id.isInt() && id.asInt() >= 0 && id.asInt() < n) {
                kv.put("tokenizer.ggml." + typ + "_token_id", GgufValues.u32(id.asInt()));
            }
        }
        if (tokenizerConfig != null) {
            for (String typ : SPECIAL) {
                JsonNode add = tokenizerConfig.path("add_" + typ + "_token");
                if (add.isBoolean()) {
                    kv.put("tokenizer.ggml.add_" + typ + "_token", GgufValues.bool(add.asBoolean()));
                }
            }
            if (tokenizerConfig.path("chat_template").isTextual()) {
                kv.put("tokenizer.chat_template", GgufValues.str(tokenizerConfig.get("chat_template").asText()));
            }
        }
        return kv;
    }

    /** convert_hf_to_gguf.py {@code does_token_look_special}: added tokens some models forget to mark special. */
    static boolean looksSpecial(String t) {
        return t.equals("<pad>") || t.equals("<mask>") || t.equals("<2mass>") || t.equals("[@BOS@]")
                || (t.startsWith("<|") && t.endsWith("|>")) || (t.startsWith("<\uFF5C") && t.endsWith("\uFF5C>"))
                || (t.startsWith("<unused") && t.endsWith(">"));
    }
}
