package dev.loupe.ensemble.predict;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Datasets;
import dev.loupe.core.data.NumericArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads stored predictions (NPY or CSV, via {@code dev.loupe.core.data}): one file per member holding class
 * probabilities {@code [n, k]} or predicted labels {@code [n]} / {@code [n, 1]} (integers), or one stacked file
 * {@code [members, n, k]} of probabilities; plus a file of true labels {@code [n]}.
 */
public final class PredictionFiles {
    private PredictionFiles() {
    }

    /**
     * @param files   member prediction files (or a single stacked 3-D file)
     * @param truth   true labels
     * @param classes the number of classes when only labels are given (0 = infer from the largest label)
     */
    public static Predictions load(List<Path> files, Path truth, int classes) {
        if (files.isEmpty()) {
            throw new LoupeException("no prediction files given");
        }
        int[] y = labels(truth, Datasets.readArray(truth), -1);
        List<String> names = new ArrayList<>();
        List<float[]> probs = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        int k = -1;
        Path kSource = null;
        for (Path f : files) {
            NumericArray a = Datasets.readArray(f);
            long[] s = a.shape();
            if (s.length == 3) {
                if (files.size() != 1) {
                    throw new LoupeException(f, "a stacked [members, n, k] file must be the only prediction file");
                }
                if (s[0] == 0) {
                    throw new LoupeException(f, "holds no members (shape " + Arrays.toString(s) + ")");
                }
                k = checkClasses(f, s[2], k, kSource);
                kSource = f;
                checkCount(f, s[1], y.length, truth);
                int per = (int) (s[1] * s[2]);
                for (int m = 0; m < s[0]; m++) {
                    names.add(stem(f) + "[" + m + "]");
                    probs.add(finite(f, Arrays.copyOfRange(a.values(), m * per, (m + 1) * per)));
                }
            } else if (s.length == 2 && s[1] > 1) {
                k = checkClasses(f, s[1], k, kSource);
                kSource = f;
                checkCount(f, s[0], y.length, truth);
                names.add(stem(f));
                probs.add(finite(f, a.values()));
            } else if (s.length == 1 || (s.length == 2 && s[1] == 1)) {
                checkCount(f, s[0], y.length, truth);
                names.add(stem(f));
                labels.add(labels(f, a, y.length));
            } else {
                throw new LoupeException(f, "expected probabilities [n, k], labels [n] or stacked [members, n, k], got shape "
                        + Arrays.toString(s));
            }
        }
        if (!probs.isEmpty() && !labels.isEmpty()) {
            throw new LoupeException(files.getFirst(), "mixes probability files and label files; give one kind");
        }
        if (!probs.isEmpty()) {
            if (classes > 0 && classes != k) {
                throw new LoupeException(kSource, "has " + k + " classes per sample but --classes is " + classes);
            }
            checkTruth(truth, y, k);
            return Predictions.fromProbabilities(names, probs.toArray(float[][]::new), y, k);
        }
        int max = Arrays.stream(y).max().orElse(0);
        for (int[] l : labels) {
            max = Math.max(max, Arrays.stream(l).max().orElse(0));
        }
        if (classes > 0 && max >= classes) {
            throw new LoupeException("a label is " + max + " but --classes is " + classes);
        }
        return new Predictions(names, labels.toArray(int[][]::new), null, y, classes > 0 ? classes : Math.max(2, max + 1));
    }

    private static int checkClasses(Path f, long k, int previous, Path previousFile) {
        if (k < 2 || k > 1_000_000) {
            throw new LoupeException(f, "has " + k + " classes per sample; expected between 2 and 1,000,000");
        }
        if (previous >= 0 && previous != k) {
            throw new LoupeException(f, "has " + k + " classes but " + previousFile + " has " + previous);
        }
        return (int) k;
    }

    private static void checkCount(Path f, long n, int expected, Path truth) {
        if (n != expected) {
            throw new LoupeException(f, "has predictions for " + n + " samples but " + truth + " has " + expected + " labels");
        }
    }

    private static void checkTruth(Path truth, int[] y, int k) {
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= k) {
                throw new LoupeException(truth, "label " + i + " is " + y[i] + " but the predictions have " + k + " classes");
            }
        }
    }

    private static int[] labels(Path f, NumericArray a, int expected) {
        long[] s = a.shape();
        if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
            throw new LoupeException(f, "labels must be one-dimensional, got shape " + Arrays.toString(s));
        }
        if (!a.integral()) {
            throw new LoupeException(f, "labels must be integers (class indices), got floating-point values");
        }
        if (s[0] == 0) {
            throw new LoupeException(f, "has no samples");
        }
        float[] v = a.values();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] > 1_000_000) {
                throw new LoupeException(f, "label " + i + " is " + v[i] + ", not a class index");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    private static float[] finite(Path f, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new LoupeException(f, "value " + i + " is " + v[i]);
            }
        }
        return v;
    }

    private static String stem(Path f) {
        String s = f.getFileName().toString();
        int dot = s.indexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }
}
