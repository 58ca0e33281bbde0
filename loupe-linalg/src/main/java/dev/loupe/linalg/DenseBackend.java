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

    /**
     * Eigenvalues of the symmetric {@code n x n} matrix, ascending. {@code sym} may be overwritten.
     *
     * @throws ArithmeticException if the matrix holds NaN or infinity (LAPACK's behaviour on those is
     *                             undefined) or the solver does not converge
     */
    double[] symmetricEigenvalues(double[] sym, int n);

    /** As {@link #symmetricEigenvalues(double[], int)} in single precision. */
    float[] symmetricEigenvalues(float[] sym, int n);

    /**
     * Eigenvalues (ascending) and unit eigenvectors of the symmetric {@code n x n} matrix, in double precision.
     * {@code sym} may be overwritten. This default is EJML's symmetric QR (pure Java, O(n³) with a large
     * constant); the native backend overrides it with LAPACK's divide and conquer.
     *
     * @throws ArithmeticException as {@link #symmetricEigenvalues(double[], int)}
     */
    default EigenSystem symmetricEigenSystem(double[] sym, int n) {
        return EjmlBackend.eigenSystem(sym, n);
    }

    /**
     * The ESD in one call: eigenvalues (ascending) of the smaller-side Gram of {@code a}, which is not
     * modified. Backends override this to skip the intermediate full Gram (native: no copy back to
     * the heap and no triangle fill).
     */
    default double[] smallerGramEigenvalues(double[] a, int rows, int cols) {
        return smallerGramEigenvalues(a, rows, cols, () -> { });
    }

    /** As {@link #smallerGramEigenvalues(double[], int, int)} in single precision. */
    default float[] smallerGramEigenvalues(float[] a, int rows, int cols) {
        return smallerGramEigenvalues(a, rows, cols, () -> { });
    }

    /**
     * As {@link #smallerGramEigenvalues(double[], int, int)}, running {@code gramDone} between the Gram and the
     * eigensolver (for progress within one large matrix: the two take seconds to minutes each).
     */
    default double[] smallerGramEigenvalues(double[] a, int rows, int cols, Runnable gramDone) {
        double[] gram = smallerGram(a, rows, cols);
        gramDone.run();
        return symmetricEigenvalues(gram, Math.min(rows, cols));
    }

    /** As {@link #smallerGramEigenvalues(double[], int, int, Runnable)} in single precision. */
    default float[] smallerGramEigenvalues(float[] a, int rows, int cols, Runnable gramDone) {
        float[] gram = smallerGram(a, rows, cols);
        gramDone.run();
        return symmetricEigenvalues(gram, Math.min(rows, cols));
    }

    /**
     * The most threads one call may use. Native BLAS keeps this process-wide; it is the owner's choice
     * (a Spark task, a benchmark). The pure-Java backend is single-threaded.
     */
    default int threads() {
        return 1;
    }

    /**
     * This backend with each call using at most {@code cap} threads, fewer on small matrices
     * ({@link BlasThreads#forOrder}). For callers that share the cores between calls running side by
     * side (layers in parallel): unlike {@link #setThreads}, it changes nothing for other callers.
     */
    default DenseBackend withMaxThreads(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("thread cap must be >= 1, got " + cap);
        }
        return this;
    }

    /** Sets {@link #threads()} for the whole process (ignored by single-threaded backends). */
    default void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
    }
}
