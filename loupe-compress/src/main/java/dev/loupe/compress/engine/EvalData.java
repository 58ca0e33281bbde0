package dev.loupe.compress.engine;

import dev.loupe.core.LoupeException;
import dev.loupe.runtime.text.EncoderConfig;
import dev.loupe.runtime.text.Sentences;

import java.nio.file.Path;
import java.util.List;

/**
 * Data for evaluation and calibration: a labelled classifier dataset (features + labels, read by
 * core.data), or text (one sentence per line) with a tokenizer for an encoder. A classifier may be calibrated on
 * other examples than it is evaluated on ({@code calibration}: features only, e.g. training images, as the GPTQ,
 * SparseGPT and Wanda papers calibrate on training data and evaluate on held-out data).
 *
 * @param data        features (IDX[.gz], .npy, .csv), or null
 * @param labels      labels for {@code data}, or null
 * @param text        sentences, or null
 * @param encoder     tokenizer, pooling and maximum length the user chose for {@code text} (null parts: decided by
 *                    {@link EncoderConfig})
 * @param calibration features the classifier is calibrated on instead of {@code data} (never with labels), or null
 */
public record EvalData(Path data, Path labels, Path text, EncoderConfig.Choices encoder, Path calibration) {
    /** Calibrated on {@code data} (or {@code text}) itself. */
    public EvalData(Path data, Path labels, Path text, EncoderConfig.Choices encoder) {
        this(data, labels, text, encoder, null);
    }

    public EvalData {
        if (data != null && text != null) {
            throw new LoupeException("give --data (classifier) or --text (encoder), not both");
        }
        if (calibration != null && text != null) {
            throw new LoupeException("--calibration-data is a classifier's calibration features; an encoder calibrates on its --text");
        }
        if (labels != null && data == null) {
            throw new LoupeException("--labels goes with --data");
        }
        encoder = encoder == null ? EncoderConfig.Choices.NONE : encoder;
        if (!encoder.equals(EncoderConfig.Choices.NONE) && text == null) {
            throw new LoupeException("--tokenizer, --pooling and --max-tokens go with --text");
        }
    }

    /** Whether there is data to evaluate on. */
    public boolean present() {
        return data != null || text != null;
    }

    /** Whether there is data to calibrate on. */
    public boolean calibrates() {
        return present() || calibration != null;
    }

    /** The classifier features calibration reads: {@code calibration}, else {@code data} (null for text). */
    Path calibrationFeatures() {
        return calibration != null ? calibration : data;
    }

    /** What calibration reads, for notes: the features file or the text. */
    Path calibrationSource() {
        return data != null || calibration != null ? calibrationFeatures() : text;
    }

    /** The non-blank lines of {@code text}. */
    List<String> sentences() {
        return Sentences.read(text);
    }
}
