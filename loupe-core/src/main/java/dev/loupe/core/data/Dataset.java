package dev.loupe.core.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Examples as float rows (row-major, {@code rows() x rowLength()}), the per-example shape (e.g. [28, 28]),
 * and optional integer class labels (null when none were given).
 */
public record Dataset(Path source, long[] exampleShape, float[] features, int[] labels) {
    public Dataset {
        exampleShape = exampleShape.clone();
        long len = 1;
        for (long d : exampleShape) {
            len *= d;
        }
        if (len <= 0 || features.length % len != 0) {
            throw new IllegalArgumentException("features length " + features.length + " is not a multiple of " + len);
        }
        if (labels != null && labels.length != features.length / len) {
            throw new IllegalArgumentException(labels.length + " labels for " + features.length / len + " examples");
        }
    }

    @Override
    public long[] exampleShape() {
        return exampleShape.clone();
    }

    /** Number of examples. */
    public int rows() {
        return features.length / rowLength();
    }

    /** Number of floats per example. */
    public int rowLength() {
        long len = 1;
        for (long d : exampleShape) {
            len *= d;
        }
        return (int) len;
    }

    /** A copy of example {@code i}. */
    public float[] row(int i) {
        int len = rowLength();
        return Arrays.copyOfRange(features, i * len, (i + 1) * len);
    }

    public boolean hasLabels() {
        return labels != null;
    }
}
