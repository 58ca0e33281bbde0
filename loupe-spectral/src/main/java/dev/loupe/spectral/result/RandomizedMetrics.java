package dev.loupe.spectral.result;

/**
 * Comparison with the ESD of the element-shuffled matrix ({@code --randomize}).
 *
 * @param seed             seed of the shuffle
 * @param randDistance     Jensen–Shannon distance between the ESD and the randomized ESD
 * @param maxRandEval      largest eigenvalue of the randomized ESD
 * @param randBulkMax      MP bulk edge of the randomized ESD (ESD units, as {@link MpFit#bulkMax})
 * @param randNumSpikes    randomized eigenvalues above the bulk edge: correlation traps
 * @param randMpSoftrank   randBulkMax / max randomized rescaled eigenvalue
 * @param wwSoftrank       max randomized eigenvalue / max eigenvalue (WeightWatcher's ww_softrank)
 * @param wwMaxdist        max eigenvalue − max eigenvalue of one shuffle (WeightWatcher's ww_maxdist)
 * @param randSigmaMp      σ of the MP fit of the randomized ESD (rand_sigma_mp)
 * @param randWScale       the MP fit's rescaling √n/‖W‖_F of the randomized ESD (rand_W_scale; a shuffle keeps
 *                         ‖W‖, so it equals W_scale)
 * @param randBulkMin      MP bulk's lower edge of the randomized ESD (rand_bulk_min, rescaled units as there)
 */
public record RandomizedMetrics(long seed, double randDistance, double maxRandEval, double randBulkMax,
                                int randNumSpikes, double randMpSoftrank, double wwSoftrank, double wwMaxdist,
                                double randSigmaMp, double randWScale, double randBulkMin) implements java.io.Serializable {
}
