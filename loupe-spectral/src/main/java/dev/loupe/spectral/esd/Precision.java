package dev.loupe.spectral.esd;

/**
 * Precision of the Gram matrix and the eigensolver. Eigenvalues are returned as double either way.
 * {@link #AUTO}: single precision, and double for a layer whose single-precision ESD cannot resolve
 * what its fits use ({@code analysis.SinglePrecisionCheck}); {@link #FP64} is WeightWatcher's exact mode.
 */
public enum Precision {
    AUTO, FP64, FP32;

    public String label() {
        return switch (this) {
            case AUTO -> "auto";
            case FP64 -> "fp64";
            case FP32 -> "fp32";
        };
    }

    /** Whether the first ESD of a layer is computed in single precision. */
    public boolean single() {
        return this != FP64;
    }
}
