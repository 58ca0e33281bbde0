package dev.loupe.landscape.engine;

/** How the loss is formed from what the model outputs. */
public enum LossKind {
    /** Mean cross-entropy of the first output taken as logits [batch, classes] against integer labels. */
    CROSS_ENTROPY,
    /** Mean squared error of the first output against float targets of the same shape. */
    MSE,
    /** The model's first output already is the (mean) loss of the batch; labels are fed to its second input. */
    MODEL_OUTPUT
}
