package dev.loupe.lm.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.core.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a Hugging Face {@code config.json} (and {@code generation_config.json} for the BOS id when present) into an
 * {@link LmConfig}. Field names and defaults are transformers' {@code LlamaConfig}/{@code MistralConfig}/
 * {@code Qwen2Config}/{@code GPT2Config}; a missing field without a default is an error naming it.
 */
public final class HfConfigReader {
    private static final long MAX_BYTES = 4L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigReader() {
    }

    /** {@code dir/config.json}, checked. */
    public static LmConfig read(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode root = json(file, true);
        String cls = root.path("architectures").path(0).asText(null);
        if (cls == null) {
            throw new LoupeException(file, "missing field \"architectures\" (which model class wrote these weights)");
        }
        Architecture arch = Architecture.fromHf(cls).orElseThrow(() -> new LoupeException(file,
                "architecture \"" + cls + "\" is not a supported decoder LM (LlamaForCausalLM, MistralForCausalLM, "
                        + "Qwen2ForCausalLM, GPT2LMHeadModel)"));
        int bos = bosId(dir, root);
        return arch == Architecture.GPT2 ? gpt2(file, root, bos) : llama(file, root, arch, bos);
    }

    /**
     * What an ONNX decoder's folder says beside its graph (Optimum exports keep config.json and
     * generation_config.json): the BOS id and the position-table length (max_position_embeddings, GPT-2's
     * n_positions), or null when there is no config.json. Nothing else is needed: the graph holds the architecture.
     */
    public static ConfigHints hints(Path dir) {
        Path file = dir.resolve("config.json");
        JsonNode root = json(file, false);
        if (root == null) {
            return null;
        }
        JsonNode positions = root.hasNonNull("max_position_embeddings") ? root.get("max_position_embeddings") : root.get("n_positions");
        int max = positions != null && positions.canConvertToInt() && positions.asInt() > 0 ? positions.asInt() : Integer.MAX_VALUE;
        return new ConfigHints(file, bosId(dir, root), max);
    }

    /** generation_config.json's bos_token_id, else config.json's, else -1. */
    private static int bosId(Path dir, JsonNode root) {
        JsonNode gen = json(dir.resolve("generation_config.json"), false);
        return gen != null && gen.path("bos_token_id").isInt() ? gen.get("bos_token_id").asInt()
                : root.path("bos_token_id").isInt() ? root.get("bos_token_id").asInt() : -1;
    }

    private static LmConfig llama(Path file, JsonNode c, Architecture arch, int bos) {
        String act = c.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new LoupeException(file, "field \"hidden_act\" = \"" + act + "\": only silu (SwiGLU) is supported");
        }
        double rotary = number(file, c, "partial_rotary_factor", 1);
        if (rotary != 1) {
            throw new LoupeException(file, "field \"partial_rotary_factor\" = " + rotary + ": only full rotary embeddings (1.0) are supported");
        }
        int hidden = integer(file, c, "hidden_size");
        int heads = integer(file, c, "num_attention_heads");
        int headDim = c.hasNonNull("head_dim") ? integer(file, c, "head_dim") : heads > 0 ? hidden / heads : 0;
        LmConfig cfg = new LmConfig(arch, integer(file, c, "vocab_size"), hidden, integer(file, c, "num_hidden_layers"),
                heads, c.hasNonNull("num_key_value_heads") ? integer(file, c, "num_key_value_heads") : heads, headDim,
                integer(file, c, "intermediate_size"), integer(file, c, "max_position_embeddings"),
                number(file, c, "rms_norm_eps", 1e-6), number(file, c, "rope_theta", 10000), scaling(file, c.get("rope_scaling")),
                RopeStyle.HALF, c.path("tie_word_embeddings").asBoolean(false), bos, slidingWindow(file, c, arch));
        return cfg.validated(file, new LmConfig.FieldNames("num_hidden_layers", "hidden_size", "num_attention_heads",
                "num_key_value_heads", "vocab_size", "intermediate_size", "max_position_embeddings"));
    }

    private static LmConfig gpt2(Path file, JsonNode c, int bos) {
        String act = c.path("activation_function").asText("gelu_new");
        if (!act.equals("gelu_new") && !act.equals("gelu_pytorch_tanh")) {
            throw new LoupeException(file, "field \"activation_function\" = \"" + act + "\": only gelu_new (tanh GELU) is supported");
        }
        int hidden = integer(file, c, "n_embd");
        int heads = integer(file, c, "n_head");
        int inner = c.hasNonNull("n_inner") ? integer(file, c, "n_inner") : 4 * hidden;
        if (c.path("scale_attn_by_inverse_layer_idx").asBoolean(false) || c.path("reorder_and_upcast_attn").asBoolean(false)) {
            throw new LoupeException(file, "GPT-2 variants with scale_attn_by_inverse_layer_idx or reorder_and_upcast_attn are not supported");
        }
        LmConfig cfg = new LmConfig(Architecture.GPT2, integer(file, c, "vocab_size"), hidden, integer(file, c, "n_layer"),
                heads, heads, heads > 0 ? hidden / heads : 0, inner, integer(file, c, "n_positions"),
                number(file, c, "layer_norm_epsilon", 1e-5), 0, null, RopeStyle.NONE,
                c.path("tie_word_embeddings").asBoolean(true), bos, null);
        if (heads > 0 && hidden % heads != 0) {
            throw new LoupeException(file, "field \"n_embd\" = " + hidden + " is not a multiple of \"n_head\" = " + heads);
        }
        return cfg.validated(file, new LmConfig.FieldNames("n_layer", "n_embd", "n_head", "n_head", "vocab_size", "n_inner",
                "n_positions"));
    }

    /**
     * Mistral: {@code sliding_window} in every layer (null: none). Qwen2: only with {@code use_sliding_window}, and
     * only in the layers from {@code max_window_layers} on (default 28), as transformers' Qwen2Config.layer_types
     * says. LlamaConfig has no window.
     */
    private static SlidingWindow slidingWindow(Path file, JsonNode c, Architecture arch) {
        if (arch == Architecture.LLAMA || !c.hasNonNull("sliding_window")
                || arch == Architecture.QWEN2 && !c.path("use_sliding_window").asBoolean(false)) {
            return null;
        }
        int size = integer(file, c, "sliding_window");
        int first = arch == Architecture.QWEN2 ? c.hasNonNull("max_window_layers") ? integer(file, c, "max_window_layers") : 28 : 0;
        if (size < 1) {
            throw new LoupeException(file, "field \"sliding_window\" = " + size + " must be at least 1");
        }
        if (first < 0) {
            throw new LoupeException(file, "field \"max_window_layers\" = " + first + " must not be negative");
        }
        return new SlidingWindow(size, first);
    }

    private static RopeScaling scaling(Path file, JsonNode s) {
        if (s == null || s.isNull()) {
            return null;
        }
        String type = s.path("rope_type").asText(s.path("type").asText("")).toLowerCase(Locale.ROOT);
        return switch (type) {
            case "default" -> null;
            case "llama3" -> new RopeScaling(number(file, s, "factor", Double.NaN), number(file, s, "low_freq_factor", Double.NaN),
                    number(file, s, "high_freq_factor", Double.NaN), number(file, s, "original_max_position_embeddings", Double.NaN));
            default -> throw new LoupeException(file, "field \"rope_scaling\": type \"" + type + "\" is not supported (llama3 is)");
        };
    }

    static int integer(Path file, JsonNode c, String field) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            throw new LoupeException(file, "missing field \"" + field + "\"");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new LoupeException(file, "field \"" + field + "\" = " + v + " is not a 32-bit integer");
        }
        return v.asInt();
    }

    private static double number(Path file, JsonNode c, String field, double dflt) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            if (Double.isNaN(dflt)) {
                throw new LoupeException(file, "missing field \"" + field + "\"");
            }
            return dflt;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new LoupeException(file, "field \"" + field + "\" = " + v + " is not a finite number");
        }
        return v.asDouble();
    }

    /** The parsed object, or null when {@code required} is false and the file is absent. */
    static JsonNode json(Path file, boolean required) {
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new LoupeException(file, "no such file (a Hugging Face model folder needs config.json)");
            }
            return null;
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new LoupeException(file, "is larger than " + (MAX_BYTES >> 20) + " MB; not a model config");
            }
            JsonNode n = JSON.readTree(file.toFile());
            if (n == null || !n.isObject()) {
                throw new LoupeException(file, "is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new LoupeException(file, "is not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
    }
}
