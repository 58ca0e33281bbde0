package dev.loupe.compress.quantize;

/**
 * Round-to-nearest (RTN) quantization, per channel or group-wise, symmetric or asymmetric.
 *
 * <p>Each group's scale and zero point come from {@link Grid} (asymmetric ranges include 0, so 0 is exact,
 * which pruned weights and ONNX's DequantizeLinear need); q = clamp(round(w/scale) + zero). Every w in range
 * lands within half a step: |w − (q − zero)·scale| ≤ scale/2. The arithmetic uses the float scale that is
 * stored, so the bound holds for the stored result, not just on paper. An all-zero group gets scale 1 (any
 * scale reproduces it exactly).
 */
public final class RoundToNearest {
    private RoundToNearest() {
    }

    /** Quantizes row-major [rows, cols] {@code w}. {@code w} is not modified. */
    public static QuantizedMatrix quantize(float[] w, int rows, int cols, QuantSpec spec) {
        return quantize(w, rows, cols, spec, null);
    }

    /**
     * As {@link #quantize(float[], int, int, QuantSpec)}, but entries with {@code exclude[i]} are left out of
     * the ranges and kept exactly (dense-and-sparse outliers).
     */
    public static QuantizedMatrix quantize(float[] w, int rows, int cols, QuantSpec spec, boolean[] exclude) {
        if ((long) rows * cols != w.length) {
            throw new IllegalArgumentException(w.length + " weights for " + rows + "x" + cols);
        }
        int g = spec.groupLength(cols);
        int groups = (cols + g - 1) / g;
        int[] codes = new int[w.length];
        int slots = spec.perTensor() ? 1 : rows * groups;
        float[] scales = new float[slots];
        int[] zeros = new int[slots];
        if (spec.perTensor()) {
            quantizeGroup(w, 0, w.length, spec, exclude, codes, scales, zeros, 0);
        }
        for (int r = 0; r < rows && !spec.perTensor(); r++) {
            for (int k = 0; k < groups; k++) {
                int from = r * cols + k * g;
                int to = r * cols + Math.min(cols, (k + 1) * g);
                quantizeGroup(w, from, to, spec, exclude, codes, scales, zeros, r * groups + k);
            }
        }
        float[] outlierValues = null;
        if (exclude != null) {
            outlierValues = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                outlierValues[i] = exclude[i] ? w[i] : 0f;
            }
        }
        return new QuantizedMatrix(spec, rows, cols, codes, scales, zeros, exclude == null ? null : exclude.clone(),
                outlierValues);
    }

    private static void quantizeGroup(float[] w, int from, int to, QuantSpec spec, boolean[] exclude,
                                      int[] codes, float[] scales, int[] zeros, int slot) {
        double min = 0;
        double max = 0;
        for (int i = from; i < to; i++) {
            if (exclude == null || !exclude[i]) {
                if (!Float.isFinite(w[i])) {
                    throw new IllegalArgumentException("weight " + i + " is " + w[i]);
                }
                min = Math.min(min, w[i]);
                max = Math.max(max, w[i]);
            }
        }
        Grid grid = Grid.of(min, max, spec);
        for (int i = from; i < to; i++) {
            codes[i] = grid.code(w[i], spec);
        }
        scales[slot] = grid.scale();
        zeros[slot] = grid.zero();
    }
}
