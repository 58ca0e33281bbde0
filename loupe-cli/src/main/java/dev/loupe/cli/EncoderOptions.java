package dev.loupe.cli;

import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.Pooling;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --tokenizer}, {@code --pooling}, {@code --max-tokens}: how a sentence encoder reads {@code --text}, declared
 * once for every command that runs one (eval, compress, landscape/hessian). The choice itself is
 * {@link EncoderConfig#resolve}'s, the one place that decides.
 */
public final class EncoderOptions {
    @Option(names = "--tokenizer", paramLabel = "JSON", description = "Hugging Face tokenizer.json for --text (WordPiece for "
            + "sentence encoders; any kind for eval's ONNX decoders). Default: tokenizer.json or MODEL-tokenizer.json beside "
            + "the model (or one folder up), else the bundled one for all-MiniLM-L6-v2.")
    Path tokenizer;

    @Option(names = "--pooling", paramLabel = "mean|cls", description = "With --text: sentence vector from the token states, "
            + "mean (all-MiniLM, e5) or cls (bge). Default: 1_Pooling/config.json beside the model, else what the model is "
            + "known to use, else mean.")
    Pooling pooling;

    @Option(names = "--max-tokens", paramLabel = "N", description = "With --text: truncate sentences to N word pieces incl. "
            + "[CLS]/[SEP]. Default: sentence_bert_config.json beside the model, else what the model is known to use (256 "
            + "for all-MiniLM-L6-v2), else tokenizer_config.json, else the model's position table.")
    Integer maxTokens;

    /** The tokenizer file given, or null. */
    public Path tokenizer() {
        return tokenizer;
    }

    /** Whether any of the three was given. */
    public boolean given() {
        return tokenizer != null || pooling != null || maxTokens != null;
    }

    /** What the user chose, for {@link EncoderConfig#resolve}. */
    public EncoderConfig.Choices choices() {
        return new EncoderConfig.Choices(tokenizer, pooling, maxTokens);
    }
}
