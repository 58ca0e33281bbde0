package dev.loupe.landscape.engine;

/** Loss sums of one batch from the model's output, accumulated in double. */
final class BatchLoss {
    private BatchLoss() {
    }

    /** Sum over samples of −log softmax(logits)[label]; {@code correct[0]} gets the count of argmax hits. */
    static double crossEntropySum(float[] logits, int[] labels, int from, int count, int[] correct) {
        int classes = logits.length / count;
        double sum = 0;
        for (int s = 0; s < count; s++) {
            int base = s * classes;
            int arg = 0;
            float max = logits[base];
            for (int c = 1; c < classes; c++) {
                if (logits[base + c] > max) {
                    max = logits[base + c];
                    arg = c;
                }
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[base + c] - max);
            }
            int label = labels[from + s];
            if (label < 0 || label >= classes) {
                throw new dev.loupe.core.LoupeException("label " + label + " of sample " + (from + s)
                        + " is outside the model's " + classes + " classes");
            }
            sum += Math.log(z) + max - logits[base + label];
            if (arg == label) {
                correct[0]++;
            }
        }
        return sum;
    }

    /** Sum over samples of the mean squared error across the sample's outputs. */
    static double mseSum(float[] out, float[] targets, int from, int count, int width) {
        if (out.length != count * width) {
            throw new dev.loupe.core.LoupeException("model outputs " + out.length / Math.max(1, count)
                    + " values per sample but the targets have " + width);
        }
        double sum = 0;
        for (int i = 0; i < out.length; i++) {
            double d = out[i] - targets[from * width + i];
            sum += d * d;
        }
        return sum / width;
    }
}
