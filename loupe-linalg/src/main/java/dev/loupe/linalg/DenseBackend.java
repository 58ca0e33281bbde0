package dev.loupe.linalg;

/**
 * The two kernels an eigenvalue spectrum needs. Matrices are row-major arrays. Implementations are
 * thread-safe and report their name so results can say which one ran.
 */
public interface DenseBackend {
    /** e.g. "openblas 0.3.30 (bytedeco, native)" or "ejml 0.44 (pure Java)". */
    String name();

    /**
     * The Gram matrix of the smaller side of the row-major {@code rows x cols} matrix {@code a}:
     * AᵀA (cols x cols) when cols ≤ rows, else AAᵀ (rows x rows). Returned full (both triangles),
     * row-major. {@code a} is not modified.
     */
    double[] smallerGram(double[] a, int rows, int cols);

    /** As {@link #smallerGram(double[], int, int)} in single precision. */
    float[] smallerGram(float[] a, int rows, int cols);

    /** Eigenvalues of the symmetric {@code n x n} matrix, ascending. {@code sym} may be overwritten. */
    double[] symmetricEigenvalues(double[] sym, int n);

    /** As {@link #symmetricEigenvalues(double[], int)} in single precision. */
    float[] symmetricEigenvalues(float[] sym, int n);
}
