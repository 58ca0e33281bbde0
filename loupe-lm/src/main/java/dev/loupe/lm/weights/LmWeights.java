package dev.loupe.lm.weights;

import dev.loupe.core.tensor.Tensor;

import java.util.List;

/**
 * All tensors a forward pass reads. {@code positions} is GPT-2's learned table (else null); {@code head} is the
 * output projection, the embedding itself when tied; {@code ropeFreqFactors} is GGUF's {@code rope_freqs.weight}
 * (llama3 scaling precomputed by convert_hf_to_gguf.py) or null.
 */
public record LmWeights(Tensor embedding, Tensor positions, List<Block> blocks, Norm finalNorm, Linear head,
                        Tensor ropeFreqFactors) {
    public LmWeights {
        blocks = List.copyOf(blocks);
    }

    /** Every linear layer of every block, in forward order. */
    public List<Linear> linears() {
        return blocks.stream().flatMap(b -> b.linears().stream()).toList();
    }
}
