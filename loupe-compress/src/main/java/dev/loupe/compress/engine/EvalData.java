package dev.loupe.compress.engine;

import dev.loupe.core.LoupeException;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.Sentences;

import java.nio.file.Path;
import java.util.List;

/**
 * Data for evaluation and calibration: a labelled classifier dataset (features + labels, read by
 * core.data), or text (one sentence per line) with a tokenizer for an encoder.
 *
 * @param data      features (IDX[.gz], .npy, .csv), or null
 * @param labels    labels for {@code data}, or null
 * @param text      sentences, or null
 * @param encoder   tokenizer, pooling and maximum length the user chose for {@code text} (null parts: decided by
 *                  {@link EncoderConfig})
 */
public record EvalData(Path data, Path labels, Path text, EncoderConfig.Choices encoder) {
    public EvalData {
        if (data != null && text != null) {
            throw new LoupeException("give --data (classifier) or --text (encoder), not both");
        }
        if (labels != null && data == null) {
            throw new LoupeException("--labels goes with --data");
        }
        encoder = encoder == null ? EncoderConfig.Choices.NONE : encoder;
        if (!encoder.equals(EncoderConfig.Choices.NONE) && text == null) {
            throw new LoupeException("--tokenizer, --pooling and --max-tokens go with --text");
        }
    }

    public boolean present() {
        return data != null || text != null;
    }

    /** The non-blank lines of {@code text}. */
    List<String> sentences() {
        return Sentences.read(text);
    }
}
