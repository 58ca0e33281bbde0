package dev.loupe.runtime;

/**
 * A classifier scored on a labelled dataset: {@code accuracy} = fraction whose argmax logit equals the label
 * (ties go to the lowest index, as torch.argmax and numpy.argmax do), {@code meanCrossEntropy} = mean of
 * {@code logsumexp(logits) - logits[label]} computed in double from the float logits.
 */
public record Evaluation(String model, String data, int n, int correct, double accuracy, double meanCrossEntropy,
                         int classes, int batch, int threads, double seconds) {
}
