package dev.loupe.core.data;

import dev.loupe.core.LoupeException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Opens dataset files by their name: {@code .npy}, {@code .csv}, otherwise IDX (plain or {@code .gz}). */
public final class Datasets {
    private Datasets() {
    }

    /** Reads one array file of any supported format. */
    public static NumericArray readArray(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LoupeException(file, Files.exists(file) ? "is not a regular file" : "no such file");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return NpyReader.read(file);
        }
        if (name.endsWith(".csv")) {
            return CsvReader.read(file);
        }
        return IdxReader.read(file);
    }

    /**
     * Features from {@code data} (first dimension = examples) and, when {@code labels} is not null, class labels
     * from a 1-D (or [n,1]) integer array with one entry per example.
     */
    public static Dataset read(Path data, Path labels) {
        NumericArray x = readArray(data);
        long[] shape = x.shape();
        if (shape.length < 1 || shape[0] == 0) {
            throw new LoupeException(data, "has no examples (shape " + Arrays.toString(shape) + ")");
        }
        long[] example = shape.length == 1 ? new long[]{1} : Arrays.copyOfRange(shape, 1, shape.length);
        if (Arrays.stream(example).anyMatch(d -> d == 0)) {
            throw new LoupeException(data, "examples are empty (shape " + Arrays.toString(shape) + ")");
        }
        float[] v = x.values();
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) { // a model fed NaN returns NaN losses and exits 0: refuse up front
                throw new LoupeException(data, "holds " + v[i] + " in example " + i / Math.max(1, v.length / shape[0])
                        + "; inputs must be finite numbers");
            }
        }
        int[] y = labels == null ? null : labels(labels, shape[0]);
        return new Dataset(data, example, v, y, labels == null ? data : labels);
    }

    private static int[] labels(Path file, long examples) {
        NumericArray a = readArray(file);
        long[] s = a.shape();
        if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
            throw new LoupeException(file, "labels must be one-dimensional, got shape " + Arrays.toString(s));
        }
        if (!a.integral()) {
            throw new LoupeException(file, "labels must be integers (class indices), got a floating-point array");
        }
        if (s[0] != examples) {
            throw new LoupeException(file, s[0] + " labels for " + examples + " examples");
        }
        float[] v = a.values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0) {
                throw new LoupeException(file, "label " + i + " is negative (" + v[i] + ")");
            }
            out[i] = (int) v[i];
        }
        return out;
    }
}
