package dev.loupe.lm;

import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.gguf.GgufCheckpoint;
import dev.loupe.core.format.safetensors.LoupeQuantized;
import dev.loupe.lm.config.GgufConfigReader;
import dev.loupe.lm.config.HfConfigReader;
import dev.loupe.lm.config.LmConfig;
import dev.loupe.lm.forward.DecoderForward;
import dev.loupe.lm.forward.LinearObserver;
import dev.loupe.lm.weights.F32Weights;
import dev.loupe.lm.weights.LmWeights;
import dev.loupe.lm.weights.WeightBinder;
import dev.loupe.linalg.openblas.NativeSgemm;
import dev.loupe.runtime.text.GgufTokenizerJson;
import dev.loupe.runtime.text.HfTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An opened decoder LM: config, memory-mapped weights bound to their roles, tokenizer and forward pass. Open a
 * Hugging Face folder (config.json, model.safetensors or a shard index, tokenizer.json) or a GGUF file (config and
 * vocabulary from its metadata). Close it to unmap the weights and free the native tokenizer.
 */
public final class LanguageModel implements CausalLm {
    private final Path source;
    private final LmConfig config;
    private final Checkpoint checkpoint;
    private final LmWeights weights;
    private final HfTokenizer tokenizer;
    private final DecoderForward forward;

    private LanguageModel(Path source, LmConfig config, Checkpoint checkpoint, HfTokenizer tokenizer, long cacheBytes) {
        this.source = source;
        this.config = config;
        this.checkpoint = checkpoint;
        this.weights = WeightBinder.bind(checkpoint, config);
        this.tokenizer = tokenizer;
        if (tokenizer != null && tokenizer.maxId() >= config.vocabSize()) {
            throw new LoupeException(tokenizer.source(), "the tokenizer has ids up to " + tokenizer.maxId()
                    + " but the model's vocabulary has " + config.vocabSize() + " rows");
        }
        NativeSgemm blas;
        try {
            blas = NativeSgemm.load();
        } catch (RuntimeException | LinkageError e) {
            throw new LoupeException("the LM forward pass needs native OpenBLAS, which does not load here: " + e.getMessage());
        }
        this.forward = new DecoderForward(config, weights, new F32Weights(weights, cacheBytes), blas);
    }

    /** Opens {@code path} (a folder, its config.json, or a .gguf) with the default decode budget and its tokenizer. */
    public static LanguageModel open(Path path) {
        return open(path, F32Weights.DEFAULT_CACHE_BYTES);
    }

    /** As {@link #open(Path)}; {@code cacheBytes} bounds the decoded F32 copies kept (see {@link F32Weights}). */
    public static LanguageModel open(Path path, long cacheBytes) {
        return open(path, null, cacheBytes);
    }

    /**
     * A Hugging Face folder's model with its weights taken from {@code weights} instead (a compressed copy written
     * elsewhere); config and tokenizer still come from the folder.
     */
    public static LanguageModel withWeights(Path folder, Path weights) {
        return open(folder, weights, F32Weights.DEFAULT_CACHE_BYTES);
    }

    /** A Hugging Face folder (or its config.json) or a .gguf file: what {@link #open} takes. */
    public static boolean isLanguageModel(Path path) {
        String n = path.getFileName() == null ? "" : path.getFileName().toString();
        return Files.isRegularFile(path.resolve("config.json")) || n.equals("config.json") || n.endsWith(".gguf");
    }

    private static LanguageModel open(Path path, Path weights, long cacheBytes) {
        Path p = Files.isRegularFile(path) && path.getFileName().toString().equals("config.json") ? path.getParent() : path;
        if (Files.isDirectory(p)) {
            LmConfig cfg = HfConfigReader.read(p);
            Path tok = p.resolve("tokenizer.json");
            Checkpoint cp = Checkpoints.open(weights != null ? weights : p);
            try {
                if (LoupeQuantized.isQuantized(cp)) { // loupe compress --bits output: dequantized on read
                    cp = LoupeQuantized.dequantized(cp);
                }
                HfTokenizer t = Files.isRegularFile(tok) ? HfTokenizer.load(tok) : null;
                return new LanguageModel(p, cfg, cp, t, cacheBytes);
            } catch (RuntimeException e) {
                cp.close();
                throw e;
            }
        }
        if (!Files.exists(p)) {
            throw new LoupeException(p, "no such file or directory");
        }
        Checkpoint cp = Checkpoints.open(p);
        try {
            if (!(cp instanceof GgufCheckpoint g)) {
                throw new LoupeException(p, "a language model is a Hugging Face folder (config.json + weights + tokenizer.json) "
                        + "or a GGUF file; this is a bare " + cp.format() + " checkpoint");
            }
            LmConfig cfg = GgufConfigReader.read(p, g.ggufMetadata());
            HfTokenizer t = g.ggufMetadata().get("tokenizer.ggml.model").isPresent()
                    ? HfTokenizer.fromJson(GgufTokenizerJson.of(p, g.ggufMetadata()), p) : null;
            return new LanguageModel(p, cfg, cp, t, cacheBytes);
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int bosId() {
        return config.bosId();
    }

    @Override
    public int maxPositions() {
        return config.maxPositions();
    }

    @Override
    public WindowLogits window(int[] ids, LinearObserver observer) {
        float[] h = forward.hidden(ids, observer);
        return (row0, rows, out) -> forward.logits(h, row0, rows, out);
    }

    public LmConfig config() {
        return config;
    }

    public LmWeights weights() {
        return weights;
    }

    public DecoderForward forward() {
        return forward;
    }

    /** Stored bytes of all weights. */
    public long byteSize() {
        return checkpoint.byteSize();
    }

    @Override
    public int[] tokenize(String text) {
        if (tokenizer == null) {
            throw new LoupeException(source, "has no tokenizer (tokenizer.json next to config.json, or tokenizer.ggml.* in GGUF)");
        }
        return tokenizer.encode(text, true);
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        checkpoint.close();
    }
}
