package dev.loupe.compress.bench;

import dev.loupe.lm.LanguageModel;
import dev.loupe.lm.perplexity.TextInput;
import dev.loupe.spectral.bench.ModelBenchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What makes the generated LLaMA-7B-shaped shards ({@link ModelBenchmark}) a Hugging Face folder loupe-lm runs: a
 * config.json of transformers' LlamaConfig for LLaMA-7B (hidden 4096, intermediate 11008, 32 heads, RMSNorm ε 1e-6,
 * RoPE θ 10000, untied head, vocabulary 32000 = the embedding's rows) with the generated number of blocks, and a real
 * but small tokenizer.json: the LLaMA fixture's 512-token byte-level BPE (trained by {@code fixtures/lm/make_lm_fixtures.py},
 * bundled as a resource), whose ids all fall inside the 32000 rows.
 */
final class LmFolder {
    private static final int BOS = 510;
    private static final int EOS = 511;

    private LmFolder() {
    }

    /** Writes config.json and tokenizer.json next to the shards in {@code dir}. */
    static void write(Path dir, int blocks) {
        String config = """
                {
                  "architectures": ["LlamaForCausalLM"],
                  "model_type": "llama",
                  "vocab_size": %d,
                  "hidden_size": %d,
                  "intermediate_size": %d,
                  "num_hidden_layers": %d,
                  "num_attention_heads": 32,
                  "num_key_value_heads": 32,
                  "hidden_act": "silu",
                  "max_position_embeddings": 2048,
                  "rms_norm_eps": 1e-06,
                  "rope_theta": 10000.0,
                  "tie_word_embeddings": false,
                  "bos_token_id": %d,
                  "eos_token_id": %d,
                  "torch_dtype": "bfloat16"
                }
                """.formatted(ModelBenchmark.VOCAB, ModelBenchmark.D, ModelBenchmark.F, blocks, BOS, EOS);
        try (InputStream tok = LmFolder.class.getResourceAsStream("tokenizer.json")) {
            Files.writeString(dir.resolve("config.json"), config);
            Files.copy(tok, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes to {@code out} the text of {@code source} repeated until the model's tokenizer gives at least
     * {@code tokens} tokens; returns how many copies that took.
     */
    static int calibrationText(Path model, Path source, long tokens, Path out) {
        String text = TextInput.read(source);
        int perCopy;
        try (LanguageModel lm = LanguageModel.open(model)) {
            perCopy = lm.tokenize(text).length;
        }
        int copies = (int) Math.max(1, (tokens + perCopy - 1) / Math.max(1, perCopy - 1));
        try {
            Files.writeString(out, (text + "\n").repeat(copies));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copies;
    }
}
