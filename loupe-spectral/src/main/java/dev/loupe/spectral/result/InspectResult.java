package dev.loupe.spectral.result;

import java.util.List;

/**
 * Everything {@code loupe inspect} found: the per-layer metrics (in model order), what to plot for
 * each layer (same order), the model summary, provenance, and the tensors that were not analyzed
 * with the reason (biases, norms, integer tensors: nothing is left out silently).
 */
public record InspectResult(Provenance provenance, ModelSummary summary, List<LayerMetrics> layers,
                            List<LayerSpectrum> spectra, List<SkippedTensor> skipped) {
    public InspectResult {
        layers = List.copyOf(layers);
        spectra = List.copyOf(spectra);
        skipped = List.copyOf(skipped);
    }
}
