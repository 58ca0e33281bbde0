package dev.loupe.lm.calibrate;

import dev.loupe.core.LoupeException;

import java.util.function.Predicate;

/**
 * How much calibration text to run and what to keep.
 *
 * @param context tokens per window (Wanda and SparseGPT use 2048; bounded by the model's positions)
 * @param samples windows, consecutive and non-overlapping from the start of the text (Wanda: 128 segments)
 * @param gramFor which layers (by weight name) also get XᵀX: [in, in] doubles each, so ask only for the layers a
 *                caller processes (GPTQ/SparseGPT go block by block)
 */
public record CalibrationOptions(int context, int samples, Predicate<String> gramFor) {
    public CalibrationOptions {
        if (context < 1) {
            throw new LoupeException("--context must be >= 1, got " + context);
        }
        if (samples < 1) {
            throw new LoupeException("--calibration-samples must be >= 1, got " + samples);
        }
        gramFor = gramFor == null ? name -> false : gramFor;
    }

    /** Norms only (Wanda, OWL). */
    public static CalibrationOptions normsOnly(int context, int samples) {
        return new CalibrationOptions(context, samples, name -> false);
    }
}
