package dev.loupe.diff.activations;

/**
 * One matched layer's outputs compared over the data.
 *
 * @param name      the layer (base model's name)
 * @param baseOut   the graph value captured in the base model (output of the node that reads the weight)
 * @param otherOut  the same in the other model
 * @param features  values per example in that output
 * @param examples  examples compared
 * @param cka       linear CKA of the two outputs (1: the same representation up to rotation and scale)
 */
public record LayerActivations(String name, String baseOut, String otherOut, int features, int examples, double cka)
        implements java.io.Serializable {
}
