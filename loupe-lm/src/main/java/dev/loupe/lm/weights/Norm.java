package dev.loupe.lm.weights;

import dev.loupe.core.tensor.Tensor;

/** RMSNorm (weight only) or LayerNorm (weight and bias). */
public record Norm(Tensor weight, Tensor bias) {
}
