package dev.loupe.linalg;

/**
 * Eigenvalues and unit eigenvectors of a symmetric {@code n × n} matrix: {@code values} ascending, eigenvector
 * {@code j} (of {@code values[j]}) stored contiguously at {@code vectors[j·n .. (j+1)·n)} (LAPACK's column-major
 * output read column by column). Each vector's sign is whatever the solver returned.
 */
public record EigenSystem(double[] values, double[] vectors, int n) {
    public EigenSystem {
        if (values.length != n || vectors.length != (long) n * n) {
            throw new IllegalArgumentException("need " + n + " values and " + n + "x" + n + " vector entries, got "
                    + values.length + " and " + vectors.length);
        }
    }

    /** A copy of eigenvector {@code j}. */
    public double[] vector(int j) {
        return java.util.Arrays.copyOfRange(vectors, j * n, (j + 1) * n);
    }
}
