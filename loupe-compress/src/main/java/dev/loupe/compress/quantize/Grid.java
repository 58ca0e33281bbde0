package dev.loupe.compress.quantize;

/**
 * One group's quantization grid: w ≈ (q − zero)·scale with q in [spec.qmin(), spec.qmax()]. The one place that
 * turns a group's range into a scale and zero point, shared by round-to-nearest and GPTQ (which rounds the
 * same way, only to error-compensated weights).
 *
 * <p>Symmetric: scale = max|w| / qmax, zero 0. Asymmetric: the range is widened to include 0 (so 0 is exact),
 * scale = (max − min)/(2^b − 1), zero = round(−min/scale). An all-zero group gets scale 1.
 */
public record Grid(float scale, int zero) {

    /** The grid of a group whose values span [min, max] (min ≤ 0 ≤ max is enforced by widening). */
    public static Grid of(double min, double max, QuantSpec spec) {
        min = Math.min(min, 0);
        max = Math.max(max, 0);
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
