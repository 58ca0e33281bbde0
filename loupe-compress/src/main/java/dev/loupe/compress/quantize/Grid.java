package dev.loupe.compress.quantize;

/**
 * One group's quantization grid: w ≈ (q − zero)·scale with q in [spec.qmin(), spec.qmax()]. The one place that
 * turns a group's range into a scale and zero point, shared by round-to-nearest and GPTQ (which rounds the
 * same way, only to error-compensated weights).
 *
 * <p>Symmetric: scale = max|w| / qmax, zero 0. Asymmetric: the range is widened to include 0 (so 0 is exact),
 * scale = (max − min)/(2^b − 1), zero = round(−min/scale). An all-zero group gets scale 1. With
 * {@link QuantSpec#ggmlGrid()} the scale is ggml's (Q4_0/Q5_0: the extreme of larger magnitude, signed, over
 * −2^(b−1), computed in float as {@code quantize_row_q4_0_ref} does; Q8_0: max|w|/127) rounded to float16 (nearest
 * even, {@code GGML_FP32_TO_FP16}) before anything is rounded to it, so the codes are chosen against the scale that
 * is stored. Unlike ggml's reference quantizer, which rounds to the unrounded d, every value is then exactly k·d.
 */
public record Grid(float scale, int zero) {

    /** The grid of a group whose values span [min, max] (min ≤ 0 ≤ max is enforced by widening). */
    public static Grid of(double min, double max, QuantSpec spec) {
        min = Math.min(min, 0);
        max = Math.max(max, 0);
        if (spec.ggmlGrid() && spec.symmetric()) {
            float d = spec.fullRange() ? (float) (max >= -min ? max : min) / -(1 << (spec.bits() - 1))
                    : (float) Math.max(-min, max) / spec.qmax();
            d = Float.float16ToFloat(Float.floatToFloat16(d));
            if (Float.isInfinite(d)) {
                throw new dev.loupe.core.LoupeException("a weight group spans [" + min + ", " + max
                        + "], beyond what a float16 scale can cover");
            }
            // all zero, or a scale below float16's smallest subnormal (6e-8): codes all 0, as an all-zero group's
            return new Grid(d == 0 ? 1f : d, 0);
        }
        float scale;
        int zero;
        if (spec.symmetric()) {
            scale = (float) (Math.max(-min, max) / spec.qmax());
            zero = 0;
        } else {
            scale = (float) ((max - min) / spec.qmax());
            zero = scale == 0 ? 0 : (int) Math.min(spec.qmax(), Math.max(0, Math.rint(-min / scale)));
        }
        return new Grid(scale == 0 ? 1f : scale, zero);
    }

    /** The grid of {@code w[from, to)}. */
    public static Grid of(double[] w, int from, int to, QuantSpec spec) {
        double min = 0;
        double max = 0;
        for (int i = from; i < to; i++) {
            min = Math.min(min, w[i]);
            max = Math.max(max, w[i]);
        }
        return of(min, max, spec);
    }

    /** The nearest code of {@code w}, clamped to the spec's range. */
    public int code(double w, QuantSpec spec) {
        long q = (long) Math.rint(w / (double) scale) + zero;
        return (int) Math.max(spec.qmin(), Math.min(spec.qmax(), q));
    }

    /** The value a code stands for, in the float arithmetic of {@link QuantizedMatrix#dequantize()}. */
    public float value(int code) {
        return (code - zero) * scale;
    }
}
