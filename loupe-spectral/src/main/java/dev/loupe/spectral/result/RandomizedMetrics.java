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
 */
public record RandomizedMetrics(long seed, double randDistance, double maxRandEval, double randBulkMax,
                                int randNumSpikes, double randMpSoftrank, double wwSoftrank) implements java.io.Serializable {
}
