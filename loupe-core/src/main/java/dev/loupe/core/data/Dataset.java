package dev.loupe.core.data;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Examples as float rows (row-major, {@code rows() x rowLength()}), the per-example shape (e.g. [28, 28]),
 * and optional integer class labels (null when none were given).
 *
 * @param source      the file the examples came from
 * @param labelSource the file the labels came from (named in errors about a label), or {@code source}
 */
public record Dataset(Path source, long[] exampleShape, float[] features, int[] labels, Path labelSource) {
    /** Examples and labels from the same file. */
    public Dataset(Path source, long[] exampleShape, float[] features, int[] labels) {
        this(source, exampleShape, features, labels, source);
    }

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
