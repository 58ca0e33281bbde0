package dev.loupe.spectral.esd;

/**
 * A pooled ESD, ascending, with the per-slice facts WeightWatcher reports.
 *
 * @param eigenvalues ascending, negatives from rounding clamped to 0
 * @param rankLoss    Σ over slices of (M − rank)
 * @param svMin       max over slices of each slice's smallest singular value (WeightWatcher's quirk)
 */
public record Spectrum(double[] eigenvalues, int rankLoss, double svMin) {
}
