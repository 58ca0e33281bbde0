package dev.loupe.lm.config;

import dev.loupe.core.LoupeException;
import dev.loupe.core.format.gguf.GgufMetadata;
import dev.loupe.core.format.gguf.GgufValue;

import java.nio.file.Path;

/**
 * Reads an {@link LmConfig} from GGUF metadata, with llama.cpp's keys ({@code <arch>.block_count},
 * {@code <arch>.attention.head_count_kv}, ...; llama.cpp src/llama-arch.cpp) and defaults. The vocabulary size is
 * the length of {@code tokenizer.ggml.tokens} unless {@code <arch>.vocab_size} says otherwise.
 */
public final class GgufConfigReader {
    private GgufConfigReader() {
    }

    public static LmConfig read(Path file, GgufMetadata m) {
        String name = m.string("general.architecture").orElseThrow(() -> new LoupeException(file, "missing key \"general.architecture\""));
        Architecture arch = Architecture.fromGguf(name).orElseThrow(() -> new LoupeException(file,
                "general.architecture \"" + name + "\" is not a supported decoder LM (llama, qwen2, gpt2)"));
        String p = name + ".";
        int hidden = integer(file, m, p + "embedding_length");
        int heads = integer(file, m, p + "attention.head_count");
        int kv = m.get(p + "attention.head_count_kv").isPresent() ? integer(file, m, p + "attention.head_count_kv") : heads;
        int headDim = m.get(p + "attention.key_length").isPresent() ? integer(file, m, p + "attention.key_length")
                : heads > 0 ? hidden / heads : 0;
        int vocab = m.get(p + "vocab_size").isPresent() ? integer(file, m, p + "vocab_size") : tokenCount(file, m);
        int bos = m.get("tokenizer.ggml.bos_token_id").isPresent() ? integer(file, m, "tokenizer.ggml.bos_token_id") : -1;
        boolean gpt2 = arch == Architecture.GPT2;
        RopeStyle style = gpt2 ? RopeStyle.NONE : arch == Architecture.QWEN2 ? RopeStyle.HALF : RopeStyle.INTERLEAVED;
        LmConfig cfg = new LmConfig(arch, vocab, hidden, integer(file, m, p + "block_count"), heads, kv, headDim,
                integer(file, m, p + "feed_forward_length"), integer(file, m, p + "context_length"),
                real(file, m, p + (gpt2 ? "attention.layer_norm_epsilon" : "attention.layer_norm_rms_epsilon")),
                gpt2 ? 0 : m.get(p + "rope.freq_base").isPresent() ? real(file, m, p + "rope.freq_base") : 10000,
                null, style, false, bos, null); // llama.cpp runs llama/qwen2 GGUFs without a window too
        return cfg.validated(file, new LmConfig.FieldNames(p + "block_count", p + "embedding_length", p + "attention.head_count",
                p + "attention.head_count_kv", "tokenizer.ggml.tokens", p + "feed_forward_length", p + "context_length"));
    }

    private static int tokenCount(Path file, GgufMetadata m) {
        GgufValue v = m.get("tokenizer.ggml.tokens").orElseThrow(() -> new LoupeException(file, "missing key \"tokenizer.ggml.tokens\" (the vocabulary)"));
        if (v instanceof GgufValue.ValueArray a) {
            return a.values().size();
        }
        throw new LoupeException(file, "key \"tokenizer.ggml.tokens\" is not an array of strings");
    }

    private static int integer(Path file, GgufMetadata m, String key) {
        long v = m.integer(key).orElseThrow(() -> new LoupeException(file, "missing integer key \"" + key + "\""));
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new LoupeException(file, "key \"" + key + "\" = " + v + " is not a 32-bit integer");
        }
        return (int) v;
    }

    private static double real(Path file, GgufMetadata m, String key) {
        GgufValue v = m.get(key).orElseThrow(() -> new LoupeException(file, "missing key \"" + key + "\""));
        if (v instanceof GgufValue.Real r && Double.isFinite(r.value())) {
            return r.value();
        }
        throw new LoupeException(file, "key \"" + key + "\" is not a finite float");
    }
}
