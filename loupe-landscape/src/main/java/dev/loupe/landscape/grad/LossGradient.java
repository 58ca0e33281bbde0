package dev.loupe.landscape.grad;

/** Mean loss over the dataset and its gradient with respect to θ (in the layout's order). */
public record LossGradient(double loss, double[] gradient) {
}
