package dev.loupe.spectral.result;

/**
 * Means over layers, as WeightWatcher's {@code get_summary()} (which averages every analyzed layer,
 * failed fits included as −1; Loupe averages the layers whose value is defined and says how many).
 *
 * @param layers          layers analyzed
 * @param layersWithFit   layers whose power-law fit succeeded (the alpha means are over these)
 * @param overTrained     layers warned over-trained
 * @param underTrained    layers warned under-trained
 * @param tooFewEigenvalues layers whose ESD is too small to judge ({@link Warning#TOO_FEW_EIGENVALUES})
 * @param parameters      elements in all analyzed matrices
 * @param logNorm         mean log_norm
 * @param alpha           mean alpha
 * @param alphaWeighted   mean alpha_weighted
 * @param logAlphaNorm    mean log_alpha_norm
 * @param logSpectralNorm mean log_spectral_norm
 * @param stableRank      mean stable_rank
 * @param mpSoftrank      mean mp_softrank (NaN without MP fit)
 * @param plAlphaHill     mean PL_Alpha_Hill
 * @param randDistance    mean rand_distance (NaN without --randomize)
 */
public record ModelSummary(int layers, int layersWithFit, int overTrained, int underTrained, int tooFewEigenvalues,
                           long parameters,
                           double logNorm, double alpha, double alphaWeighted, double logAlphaNorm,
                           double logSpectralNorm, double stableRank, double mpSoftrank, double plAlphaHill,
                           double randDistance) {
}
