package dev.loupe.compress.engine;

/**
 * A quantization run.
 *
 * @param averageBits target parameter-weighted mean bits
 * @param allocation  "uniform" (every layer at round(averageBits)) or "knapsack"/"greedy" over measured errors
 * @param groupSize   input channels per scale; 0 per channel, −1 per tensor
 * @param symmetric   symmetric or asymmetric codes
 * @param outliers    fraction of largest |w| kept in full precision (0 for none)
 * @param minBits     fewest bits an allocated layer may get
 * @param maxBits     most bits an allocated layer may get
 * @param lowRank     rank of the quantization-error compensation (0: none)
 */
public record QuantOptions(double averageBits, String allocation, int groupSize, boolean symmetric, double outliers,
                           int minBits, int maxBits, int lowRank) {
    public QuantOptions(double averageBits, String allocation, int groupSize, boolean symmetric, double outliers,
                        int minBits, int maxBits) {
        this(averageBits, allocation, groupSize, symmetric, outliers, minBits, maxBits, 0);
    }
}
