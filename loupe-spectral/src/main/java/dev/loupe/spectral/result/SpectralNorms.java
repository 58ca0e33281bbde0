package dev.loupe.spectral.result;

/**
 * Scale and rank metrics of the ESD, as WeightWatcher defines them (eigenvalues of WᵀW, no 1/N).
 *
 * @param norm            sum of eigenvalues (= ‖W‖_F², halved for conv2d as WeightWatcher's conv2d_norm)
 * @param logNorm         log10(norm)
 * @param spectralNorm    largest eigenvalue (= σ_max²)
 * @param logSpectralNorm log10(spectralNorm)
 * @param alphaWeighted   alpha · logSpectralNorm
 * @param logAlphaNorm    log10(Σ λ^alpha) over all eigenvalues
 * @param stableRank      norm / spectralNorm
 * @param entropy         matrix entropy −Σ p ln p / ln(rank), p = λ/Σλ (WeightWatcher's +1e-10 guards)
 * @param matrixRank      number of singular values above σ_max·N·ε
 * @param rankLoss        Σ over slices of (M − rank)
 * @param weakRankLoss    eigenvalues below 1e-6
 * @param svMax           largest singular value
 * @param svMin           smallest singular value (WeightWatcher's quirk for conv: max over slices of each slice's min)
 */
public record SpectralNorms(double norm, double logNorm, double spectralNorm, double logSpectralNorm,
                            double alphaWeighted, double logAlphaNorm, double stableRank, double entropy,
                            int matrixRank, int rankLoss, int weakRankLoss, double svMax, double svMin) implements java.io.Serializable {
}
