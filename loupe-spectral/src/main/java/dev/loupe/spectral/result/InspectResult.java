package dev.loupe.spectral.result;

import java.util.List;

/**
 * Everything {@code loupe inspect} found: the per-layer metrics (in model order), what to plot for
 * each layer (same order), the model summary and provenance.
 */
public record InspectResult(Provenance provenance, ModelSummary summary, List<LayerMetrics> layers,
                            List<LayerSpectrum> spectra) {
    public InspectResult {
        layers = List.copyOf(layers);
        spectra = List.copyOf(spectra);
    }
}
