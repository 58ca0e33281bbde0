package dev.loupe.compress.gptq;

import dev.loupe.compress.obs.InverseHessian;
import dev.loupe.compress.quantize.QuantSpec;

/**
 * How GPTQ runs: the grid ({@link QuantSpec}: bits, symmetric, group size), and the algorithm's own knobs.
 *
 * @param quant     the grid, the same one round-to-nearest uses
 * @param actOrder  process input channels by decreasing XᵀX diagonal (the reference's {@code --act-order});
 *                  with groups, each group's scale is fixed up front from the original weights (the
 *                  reference's {@code --static-groups}), so groups stay contiguous in the stored layout
 * @param blockSize columns per lazy batch (reference: 128)
 * @param dampening fraction of the mean XᵀX diagonal added to it (reference {@code percdamp}: 0.01)
 */
public record GptqSpec(QuantSpec quant, boolean actOrder, int blockSize, double dampening) {
    public static final int DEFAULT_BLOCK = 128;

    public GptqSpec {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        if (!(dampening >= 0)) {
            throw new IllegalArgumentException("dampening must be >= 0, got " + dampening);
        }
    }

    /** The paper's defaults around a grid. */
    public static GptqSpec of(QuantSpec quant, boolean actOrder) {
        return new GptqSpec(quant, actOrder, DEFAULT_BLOCK, InverseHessian.DEFAULT_DAMPENING);
    }
}
