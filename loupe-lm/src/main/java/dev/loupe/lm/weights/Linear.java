package dev.loupe.lm.weights;

import dev.loupe.core.tensor.Tensor;

/**
 * A linear layer y = x·Wᵀ + b as stored: {@code nn.Linear} keeps W as [out, in]; Hugging Face's GPT-2 {@code Conv1D}
 * keeps it [in, out] ({@code inOut}), which sgemm reads without a transpose. {@code bias} may be null.
 */
public record Linear(String name, Tensor weight, Tensor bias, boolean inOut, int in, int out) {
}
