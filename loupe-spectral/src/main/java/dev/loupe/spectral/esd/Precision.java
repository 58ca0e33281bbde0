package dev.loupe.spectral.esd;

/** Precision of the Gram matrix and the eigensolver. Eigenvalues are returned as double either way. */
public enum Precision {
    FP64, FP32;

    public String label() {
        return this == FP64 ? "fp64" : "fp32";
    }
}
