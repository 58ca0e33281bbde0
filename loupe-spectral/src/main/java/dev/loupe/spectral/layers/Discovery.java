package dev.loupe.spectral.layers;

import dev.loupe.spectral.result.SkippedTensor;

import java.util.List;

/** The outcome of layer discovery: matrices to analyze (model order) and tensors left out, with reasons. */
public record Discovery(List<WeightMatrix> matrices, List<SkippedTensor> skipped) {
    public Discovery {
        matrices = List.copyOf(matrices);
        skipped = List.copyOf(skipped);
    }
}
