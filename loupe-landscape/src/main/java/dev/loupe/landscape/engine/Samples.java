package dev.loupe.landscape.engine;

import dev.loupe.core.LoupeException;

import java.util.Arrays;

/**
 * Evaluation samples held in memory: inputs row-major as {@code [n, sampleShape...]}, and either
 * integer class labels (classification) or float targets of {@code targetWidth} per sample (regression).
 */
public record Samples(float[] inputs, long[] sampleShape, int size, int[] labels, float[] targets, int targetWidth) {
    public Samples {
        long per = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        if (size <= 0 || (long) size * per != inputs.length) {
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

    public static Samples classification(float[] inputs, long[] sampleShape, int[] labels) {
        return new Samples(inputs, sampleShape.clone(), labels.length, labels, null, 0);
    }

    public static Samples regression(float[] inputs, long[] sampleShape, float[] targets, int targetWidth) {
        return new Samples(inputs, sampleShape.clone(), targets.length / Math.max(1, targetWidth), null, targets, targetWidth);
    }

    /** Values per sample. */
    public int sampleLength() {
        return inputs.length / size;
    }

    /** The first {@code n} samples (n is clamped to the size). */
    public Samples head(int n) {
        int k = Math.min(n, size);
        if (k == size) {
            return this;
        }
        return new Samples(Arrays.copyOf(inputs, k * sampleLength()), sampleShape, k,
                labels == null ? null : Arrays.copyOf(labels, k),
                targets == null ? null : Arrays.copyOf(targets, k * targetWidth), targetWidth);
    }
}
