package dev.loupe.lm.calibrate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Calibration statistics of every linear layer, keyed by its weight's tensor name in the checkpoint (e.g.
 * {@code model.layers.0.self_attn.q_proj.weight}), in forward order.
 *
 * @param tokens  calibration tokens run
 * @param windows windows of {@code context} tokens
 */
public record CalibrationStats(Map<String, LayerInputs> layers, long tokens, int windows, int context) {
    public CalibrationStats {
        layers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** Wanda's input-column norms per layer (the map compress takes). */
    public Map<String, double[]> wandaNorms() {
        Map<String, double[]> out = new LinkedHashMap<>();
        layers.forEach((k, v) -> out.put(k, v.norms()));
        return out;
    }
}
