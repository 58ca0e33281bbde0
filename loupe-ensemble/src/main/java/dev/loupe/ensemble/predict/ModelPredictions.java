package dev.loupe.ensemble.predict;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.Dataset;
import dev.loupe.runtime.OnnxModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Predictions of ONNX classifiers on a labelled dataset, through ONNX Runtime ({@code loupe-runtime}). */
public final class ModelPredictions {
    private ModelPredictions() {
    }

    /**
     * Runs every model on {@code data}. Labels are the arg-max of the float logits (as {@code loupe eval} counts
     * accuracy; softmax rounding could otherwise create ties), probabilities their softmax.
     */
    public static Predictions compute(List<Path> models, Dataset data, int batch, int threads) {
        if (!data.hasLabels()) {
            throw new LoupeException(data.source(), "needs true labels (--labels)");
        }
        List<String> names = new ArrayList<>();
        float[][] probs = new float[models.size()][];
        int[][] labels = new int[models.size()][];
        int classes = -1;
        for (int m = 0; m < models.size(); m++) {
            Path file = models.get(m);
            float[][] logits;
            try (OnnxModel model = OnnxModel.open(file, threads)) {
                logits = model.logits(data, batch);
            }
            int k = logits.length == 0 ? 0 : logits[0].length;
            if (k < 2) {
                throw new LoupeException(file, "outputs " + k + " logits per example; a classifier needs at least 2");
            }
            if (classes >= 0 && k != classes) {
                throw new LoupeException(file, "outputs " + k + " classes but " + models.getFirst() + " outputs " + classes);
            }
            classes = k;
            probs[m] = softmax(logits, k);
            labels[m] = argmax(logits);
            names.add(memberName(file, names));
        }
        for (int i = 0; i < data.labels().length; i++) {
            if (data.labels()[i] >= classes) {
                throw new LoupeException(data.labelSource(), "label " + i + " is " + data.labels()[i] + " but the models have " + classes + " classes");
            }
        }
        return new Predictions(names, labels, probs, data.labels(), classes);
    }

    /**
     * The member's name: its file name without {@code .onnx}, or, when an earlier member already has that name
     * (run1/model.onnx, run2/model.onnx), prefixed by its folder's name, then numbered: saved predictions are one
     * file per name, so two members must never share one.
     */
    static String memberName(Path file, List<String> taken) {
        String s = file.getFileName().toString();
        String stem = s.endsWith(".onnx") ? s.substring(0, s.length() - 5) : s;
        Path parent = file.toAbsolutePath().normalize().getParent();
        String name = stem;
        if (taken.contains(name) && parent != null && parent.getFileName() != null) {
            name = parent.getFileName() + "-" + stem;
        }
        for (int k = 2; taken.contains(name); k++) {
            name = stem + "-" + k;
        }
        return name;
    }

    static int[] argmax(float[][] logits) {
        int[] out = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Row-wise softmax in double, shifted by the row maximum so large logits cannot overflow. */
    static float[] softmax(float[][] logits, int k) {
        float[] out = new float[logits.length * k];
        for (int i = 0; i < logits.length; i++) {
            float[] row = logits[i];
            double max = Double.NEGATIVE_INFINITY;
            for (float v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : row) {
                sum += Math.exp(v - max);
            }
            for (int c = 0; c < k; c++) {
                out[i * k + c] = (float) (Math.exp(row[c] - max) / sum);
            }
        }
        return out;
    }
}
