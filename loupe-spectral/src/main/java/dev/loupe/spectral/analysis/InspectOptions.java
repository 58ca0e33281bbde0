package dev.loupe.spectral.analysis;

import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.layers.ConvMode;

import java.util.List;

/**
 * What to compute.
 *
 * @param precision  Gram/eigensolver precision
 * @param conv       how conv kernels become matrices
 * @param clipXmax   WeightWatcher's fix_fingers='clip_xmax'
 * @param mpFit      Marchenko–Pastur fit (num_spikes, mp_softrank)
 * @param randomize  ESD of the element-shuffled matrix (rand_distance, correlation traps)
 * @param seed       seed of the shuffles
 * @param threads    layers analyzed at once
 */
public record InspectOptions(Precision precision, ConvMode conv, boolean clipXmax, boolean mpFit, boolean randomize,
                             long seed, int threads) {
    public static InspectOptions defaults() {
        return new InspectOptions(Precision.FP64, ConvMode.SLICES, false, true, false, 0, 1);
    }

    public InspectOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** As "key=value" strings for provenance. */
    public List<String> describe() {
        return List.of("precision=" + precision.label(), "conv=" + conv.name().toLowerCase(java.util.Locale.ROOT),
                "fix_fingers=" + (clipXmax ? "clip_xmax" : "none"), "mp_fit=" + mpFit, "randomize=" + randomize,
                "seed=" + seed, "threads=" + threads);
    }
}
