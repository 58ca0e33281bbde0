package dev.loupe.compress.engine;

import dev.loupe.compress.allocate.AllocationMethod;

/**
 * A quantization run as the kernels see it: {@link CompressRequest.Quantize} with the group size resolved for
 * the output format and the range of widths an allocation may choose from.
 *
 * @param averageBits target parameter-weighted mean bits
 * @param allocation  uniform (every layer at round(averageBits)), or knapsack/greedy over measured errors
 * @param groupSize   input channels per scale; 0 per channel, −1 per tensor
 * @param symmetric   symmetric or asymmetric codes
 * @param outliers    fraction of largest |w| kept in full precision (0 for none)
 * @param minBits     fewest bits an allocated layer may get
 * @param maxBits     most bits an allocated layer may get
 * @param lowRank     rank of the quantization-error compensation (0: none)
 * @param gptq        GPTQ's settings when each layer is quantized by GPTQ from its XᵀX, null for round-to-nearest
 * @param ggmlGrid  the grid of ggml's Q4_0/Q5_0/Q8_0 blocks ({@code QuantSpec#ggmlGrid})
 */
public record QuantOptions(double averageBits, AllocationMethod allocation, int groupSize, boolean symmetric, double outliers,
                           int minBits, int maxBits, int lowRank, Gptq gptq, boolean ggmlGrid) {
    /** GPTQ's own settings (the grid comes from the enclosing options). */
    public record Gptq(boolean actOrder, int blockSize, double dampening) {
        /** The paper's block size and dampening. */
        public static Gptq of(boolean actOrder) {
            return new Gptq(actOrder, dev.loupe.compress.gptq.GptqSpec.DEFAULT_BLOCK, dev.loupe.compress.obs.InverseHessian.DEFAULT_DAMPENING);
        }
    }

    /** Scales in float32. */
    public QuantOptions(double averageBits, AllocationMethod allocation, int groupSize, boolean symmetric, double outliers,
                        int minBits, int maxBits, int lowRank, Gptq gptq) {
        this(averageBits, allocation, groupSize, symmetric, outliers, minBits, maxBits, lowRank, gptq, false);
    }

    /** Round-to-nearest. */
    public QuantOptions(double averageBits, AllocationMethod allocation, int groupSize, boolean symmetric, double outliers,
                        int minBits, int maxBits, int lowRank) {
        this(averageBits, allocation, groupSize, symmetric, outliers, minBits, maxBits, lowRank, null);
    }

    /** Uniform {@code bits} with {@code groupSize} and no outliers or low-rank term, widths 2..8. */
    public static QuantOptions uniform(int bits, int groupSize, boolean symmetric) {
        return new QuantOptions(bits, AllocationMethod.UNIFORM, groupSize, symmetric, 0, 2, 8, 0);
    }
}
