package dev.loupe.landscape.engine;

/** Mean loss and accuracy (NaN when the loss has no notion of accuracy) of the model at one point θ. */
public record LossPoint(double loss, double accuracy) {
}
