package dev.loupe.runtime.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufMetadata;
import dev.loupe.core.format.gguf.GgufValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokenizer.json equivalent of a GGUF vocabulary ({@code tokenizer.ggml.*}), for {@link HfTokenizer}:
 * <ul>
 * <li>{@code gpt2}: byte-level BPE from tokens and merges, with GPT-2's pre-tokenizer regex (or Llama 3's for
 * {@code tokenizer.ggml.pre = llama-bpe}), as llama.cpp's {@code llm_tokenizer_bpe};</li>
 * <li>{@code llama}: SentencePiece BPE as Hugging Face's {@code LlamaTokenizerFast} writes it (prepend "▁", spaces to
 * "▁", byte fallback), merges recovered from the scores the way transformers' {@code SentencePieceExtractor} does
 * (every split of a piece into two pieces of the vocabulary, ranked by the piece's score), which is the merge order
 * of llama.cpp's {@code llm_tokenizer_spm}.</li>
 * </ul>
 * Control tokens (token_type 3) become special added tokens; a BOS is prepended when
 * {@code tokenizer.ggml.add_bos_token} says so (default: yes for llama, no for gpt2, as llama.cpp).
 */
public final class GgufTokenizerJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;
    /** Llama 3's pre-tokenizer split (tokenizer.json of Meta-Llama-3, llama.cpp LLAMA_VOCAB_PRE_TYPE_LLAMA3). */
    private static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private GgufTokenizerJson() {
    }

    /** The tokenizer.json text; {@code file} names the GGUF in errors. */
    public static String of(Path file, GgufMetadata m) {
        String model = m.string("tokenizer.ggml.model").orElseThrow(() -> new LoupeException(file, "missing key \"tokenizer.ggml.model\""));
        List<String> tokens = strings(file, m, "tokenizer.ggml.tokens");
        int[] types = ints(m, "tokenizer.ggml.token_type", tokens.size());
        ObjectNode root = F.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = F.objectNode();
        for (int i = 0; i < tokens.size(); i++) {
            if (!vocab.has(tokens.get(i))) {
                vocab.put(tokens.get(i), i);
            }
            if (types != null && types[i] == CONTROL) {
                added.addObject().put("id", i).put("content", tokens.get(i)).put("single_word", false).put("lstrip", false)
                        .put("rstrip", false).put("normalized", false).put("special", true);
            }
        }
        ObjectNode bpe = F.objectNode();
        bpe.put("type", "BPE");
        bpe.putNull("dropout");
        boolean addBos;
        switch (model) {
            case "gpt2" -> {
                root.putNull("normalizer");
                root.set("pre_tokenizer", byteLevelPre(m.string("tokenizer.ggml.pre").orElse("default"), file));
                root.set("decoder", byteLevel(true));
                bpe.putNull("unk_token");
                bpe.put("continuing_subword_prefix", "").put("end_of_word_suffix", "").put("fuse_unk", false).put("byte_fallback", false);
                bpe.set("vocab", vocab);
                ArrayNode merges = bpe.putArray("merges");
                strings(file, m, "tokenizer.ggml.merges").forEach(merges::add);
                addBos = flag(m, "tokenizer.ggml.add_bos_token", false);
            }
            case "llama" -> {
                ObjectNode norm = root.putObject("normalizer").put("type", "Sequence");
                ArrayNode ns = norm.putArray("normalizers");
                if (flag(m, "tokenizer.ggml.add_space_prefix", true)) {
                    ns.addObject().put("type", "Prepend").put("prepend", "\u2581");
                }
                ns.addObject().put("type", "Replace").<ObjectNode>set("pattern", F.objectNode().put("String", " ")).put("content", "\u2581");
                root.putNull("pre_tokenizer");
                root.putNull("decoder");
                int unk = m.integer("tokenizer.ggml.unknown_token_id").map(Long::intValue).orElse(0);
                bpe.put("unk_token", tokens.get(Math.clamp(unk, 0, tokens.size() - 1)));
                bpe.putNull("continuing_subword_prefix").putNull("end_of_word_suffix");
                bpe.put("fuse_unk", true).put("byte_fallback", true);
                bpe.set("vocab", vocab);
                ArrayNode merges = bpe.putArray("merges");
                spmMerges(tokens, floats(m, "tokenizer.ggml.scores", tokens.size()), types).forEach(merges::add);
                addBos = flag(m, "tokenizer.ggml.add_bos_token", true);
            }
            default -> throw new LoupeException(file, "tokenizer.ggml.model \"" + model + "\" is not supported (gpt2, llama)");
        }
        root.set("post_processor", addBos ? bosTemplate(file, m, tokens) : byteLevel(false));
        root.set("model", bpe);
        try {
            return new ObjectMapper().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode byteLevelPre(String pre, Path file) {
        return switch (pre) {
            case "default", "gpt2", "gpt-2" -> byteLevel(true).put("add_prefix_space", false);
            case "llama-bpe", "llama3" -> {
                ObjectNode seq = F.objectNode().put("type", "Sequence");
                ArrayNode list = seq.putArray("pretokenizers");
                list.addObject().put("type", "Split").<ObjectNode>set("pattern", F.objectNode().put("Regex", LLAMA3_SPLIT))
                        .put("behavior", "Isolated").put("invert", false);
                list.add(byteLevel(false).put("add_prefix_space", false));
                yield seq;
            }
            default -> throw new LoupeException(file, "tokenizer.ggml.pre \"" + pre + "\" is not supported (default, gpt2, llama-bpe)");
        };
    }

    private static ObjectNode byteLevel(boolean regex) {
        return F.objectNode().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", regex);
    }

    private static ObjectNode bosTemplate(Path file, GgufMetadata m, List<String> tokens) {
        int bos = m.integer("tokenizer.ggml.bos_token_id").map(Long::intValue)
                .orElseThrow(() -> new LoupeException(file, "tokenizer.ggml.add_bos_token is set but tokenizer.ggml.bos_token_id is missing"));
        if (bos < 0 || bos >= tokens.size()) {
            throw new LoupeException(file, "tokenizer.ggml.bos_token_id " + bos + " is outside the vocabulary of " + tokens.size());
        }
        String b = tokens.get(bos);
        ObjectNode p = F.objectNode().put("type", "TemplateProcessing");
        ArrayNode single = p.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", b).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = p.putArray("pair");
        pair.add(single.get(0).deepCopy());
        pair.add(single.get(1).deepCopy());
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = p.putObject("special_tokens").putObject(b);
        st.put("id", b);
        st.putArray("ids").add(bos);
        st.putArray("tokens").add(b);
        return p;
    }

    /** transformers' SentencePieceExtractor.extract: merges ordered by the merged piece's score, best first. */
    static List<String> spmMerges(List<String> tokens, float[] scores, int[] types) {
        Map<String, Integer> id = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (types == null || types[i] != BYTE) {
                id.putIfAbsent(tokens.get(i), i);
            }
        }
        record Merge(String left, String right, float score, int leftId, int rightId) {
        }
        List<Merge> merges = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String piece = tokens.get(i);
            if (types != null && types[i] != 1 || !id.get(piece).equals(i)) {
                continue;
            }
            List<Merge> local = new ArrayList<>();
            for (int k = 1; k < piece.length(); k++) {
                if (Character.isLowSurrogate(piece.charAt(k))) {
                    continue;
                }
                Integer l = id.get(piece.substring(0, k));
                Integer r = id.get(piece.substring(k));
                if (l != null && r != null) {
                    local.add(new Merge(piece.substring(0, k), piece.substring(k), scores[i], l, r));
                }
            }
            local.sort(Comparator.comparingInt(Merge::leftId).thenComparingInt(Merge::rightId));
            merges.addAll(local);
        }
        merges.sort(Comparator.comparingDouble((Merge x) -> -x.score()));
        return merges.stream().map(x -> x.left() + " " + x.right()).toList();
    }

    private static List<String> strings(Path file, GgufMetadata m, String key) {
        GgufValue v = m.get(key).orElseThrow(() -> new LoupeException(file, "missing key \"" + key + "\""));
        if (v instanceof GgufValue.ValueArray a && a.values().stream().allMatch(x -> x instanceof GgufValue.Str)) {
            return a.values().stream().map(x -> ((GgufValue.Str) x).value()).toList();
        }
        throw new LoupeException(file, "key \"" + key + "\" is not an array of strings");
    }

    private static int[] ints(GgufMetadata m, String key, int n) {
        if (m.get(key).orElse(null) instanceof GgufValue.FixedArray a && a.count() == n) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = (int) ((GgufValue.Int) a.get(i)).value();
            }
            return out;
        }
        return null;
    }

    private static float[] floats(GgufMetadata m, String key, int n) {
        float[] out = new float[n];
        if (m.get(key).orElse(null) instanceof GgufValue.FixedArray a && a.count() == n) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) ((GgufValue.Real) a.get(i)).value();
            }
        }
        return out;
    }

    private static boolean flag(GgufMetadata m, String key, boolean dflt) {
        return m.get(key).orElse(null) instanceof GgufValue.Bool b ? b.value() : dflt;
    }
}
