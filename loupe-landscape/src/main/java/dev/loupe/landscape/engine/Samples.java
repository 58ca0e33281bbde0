package dev.loupe.landscape.engine;

import dev.loupe.core.LoupeException;

import java.util.Arrays;

/**
 * Evaluation samples held in memory: inputs row-major as {@code [n, sampleShape...]}, and either
 * integer class labels (classification) or float targets of {@code targetWidth} per sample (regression).
 * Text samples instead hold one token-id sequence per sample ({@code tokens}, ragged; {@code inputs} is
 * empty): they are fed to a BERT-style encoder as input_ids, attention_mask and token_type_ids, padded to
 * the longest sequence of each batch.
 */
public record Samples(float[] inputs, long[] sampleShape, int size, int[] labels, float[] targets, int targetWidth,
                      long[][] tokens) {
    public Samples {
        long per = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (tokens != null && (tokens.length != size || inputs.length != 0 || Arrays.stream(tokens).anyMatch(t -> t.length == 0))) {
            throw new LoupeException("samples: " + size + " text samples need as many non-empty token sequences and no float inputs");
        }
        if (size <= 0 || tokens == null && (long) size * per != inputs.length) {
            throw new LoupeException("samples: " + inputs.length + " input values do not make " + size
                    + " samples of shape " + Arrays.toString(sampleShape));
        }
        if (labels != null && labels.length != size) {
            throw new LoupeException("samples: " + labels.length + " labels for " + size + " samples");
        }
        if (targets != null && targets.length != (long) size * targetWidth) {
            throw new LoupeException("samples: " + targets.length + " targets for " + size + " samples of width " + targetWidth);
        }
    }

    public Samples(float[] inputs, long[] sampleShape, int size, int[] labels, float[] targets, int targetWidth) {
        this(inputs, sampleShape, size, labels, targets, targetWidth, null);
    }

    public static Samples classification(float[] inputs, long[] sampleShape, int[] labels) {
        return new Samples(inputs, sampleShape.clone(), labels.length, labels, null, 0);
    }

    public static Samples regression(float[] inputs, long[] sampleShape, float[] targets, int targetWidth) {
        return new Samples(inputs, sampleShape.clone(), targets.length / Math.max(1, targetWidth), null, targets, targetWidth);
    }

    /** Token-id sequences (each starting with [CLS] and ending with [SEP]) without targets yet. */
    public static Samples text(long[][] tokens) {
        return new Samples(new float[0], new long[0], tokens.length, null, null, 0, tokens.clone());
    }

    /** The same samples with float regression targets, {@code width} per sample. */
    public Samples withTargets(float[] t, int width) {
        if (width <= 0 || t.length != (long) size * width) {
            throw new LoupeException("samples: " + t.length + " target values for " + size + " samples of width " + width);
        }
        return new Samples(inputs, sampleShape, size, labels, t, width, tokens);
    }

    public boolean isText() {
        return tokens != null;
    }

    /** Values per sample. */
    public int sampleLength() {
        return inputs.length / size; // 0 for text
    }

    /** The first {@code n} samples (n is clamped to the size). */
    public Samples head(int n) {
        int k = Math.min(n, size);
        if (k == size) {
            return this;
        }
        return new Samples(Arrays.copyOf(inputs, k * sampleLength()), sampleShape, k,
                labels == null ? null : Arrays.copyOf(labels, k),
                targets == null ? null : Arrays.copyOf(targets, k * targetWidth), targetWidth,
                tokens == null ? null : Arrays.copyOf(tokens, k));
    }
}
