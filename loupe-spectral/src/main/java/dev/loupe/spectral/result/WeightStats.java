package dev.loupe.spectral.result;

/**
 * Element statistics of the raw weight tensor (all elements, before any conv scaling), and how much
 * round-to-nearest symmetric integer quantization would hurt: relative Frobenius error ‖W−Q(W)‖/‖W‖.
 *
 * @param mean              mean of the elements
 * @param std               standard deviation
 * @param kurtosis          excess kurtosis (0 for a Gaussian)
 * @param ggdBeta           generalized-Gaussian shape β by maximum likelihood (2 Gaussian, 1 Laplace)
 * @param ggdScale          generalized-Gaussian scale α of the same fit
 * @param frac3Sigma        fraction of |w − mean| > 3·std
 * @param frac6Sigma        fraction of |w − mean| > 6·std
 * @param int8PerChannel    relative error, int8, one absmax scale per output row
 * @param int4PerChannel    relative error, int4, one scale per output row
 * @param int8Group128      relative error, int8, one scale per group of 128 consecutive elements of a row
 * @param int4Group128      relative error, int4, group 128
 */
public record WeightStats(double mean, double std, double kurtosis, double ggdBeta, double ggdScale,
                          double frac3Sigma, double frac6Sigma, double int8PerChannel, double int4PerChannel,
                          double int8Group128, double int4Group128) implements java.io.Serializable {
}
