package dev.loupe.compress.quantize;

/** Error measures between a matrix and its compressed version. */
public final class QuantError {
    private QuantError() {
    }

    /** Squared Frobenius norm of the difference, accumulated in double. */
    public static double squared(float[] original, float[] approx) {
        if (original.length != approx.length) {
            throw new IllegalArgumentException(original.length + " vs " + approx.length);
        }
        double s = 0;
        for (int i = 0; i < original.length; i++) {
            double d = (double) original[i] - approx[i];
            s += d * d;
        }
        return s;
    }
}
