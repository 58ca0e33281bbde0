package dev.loupe.linalg;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The contract of {@link DenseBackend}, run against every backend (one subclass per backend, as
 * EJML's StandardSvdChecks). Expected values come from closed forms, not from another backend.
 */
abstract class DenseBackendConformance {
    /** fp64: the Gram and the eigen-solver are backward stable; relative to λmax. */
    static final double TOL64 = 1e-11;
    /** fp32: rounding A to float alone moves λ by ~2·eps32·λmax; accumulation over a few hundred terms adds more. */
    static final double TOL32 = 2e-5;

    abstract DenseBackend backend();

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"50,30", "30,50", "300,200", "200,300", "1,7", "7,1", "64,64"})
    void eigenvaluesOfGramAreSquaredSingularValuesFp64(int rows, int cols) {
        KnownSpectrum m = KnownSpectrum.of(rows, cols, 1000L * rows + cols);
        double[] expected = m.expectedEigenvalues();
        double tol = TOL64 * expected[expected.length - 1];
        int k = Math.min(rows, cols);
        assertArrayEquals(expected, backend().symmetricEigenvalues(backend().smallerGram(m.a(), rows, cols), k), tol);
        assertArrayEquals(expected, backend().smallerGramEigenvalues(m.a(), rows, cols), tol);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"50,30", "30,50", "300,200", "200,300", "64,64"})
    void eigenvaluesOfGramAreSquaredSingularValuesFp32(int rows, int cols) {
        KnownSpectrum m = KnownSpectrum.of(rows, cols, 7L * rows + cols);
        double[] expected = m.expectedEigenvalues();
        double tol = TOL32 * expected[expected.length - 1];
        int k = Math.min(rows, cols);
        assertArrayEquals(expected, widen(backend().symmetricEigenvalues(backend().smallerGram(m.aAsFloat(), rows, cols), k)), tol);
        assertArrayEquals(expected, widen(backend().smallerGramEigenvalues(m.aAsFloat(), rows, cols)), tol);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"50,30", "30,50", "120,90"})
    void eigenSystemOfGramHasTheKnownValuesAndOrthonormalVectors(int rows, int cols) {
        KnownSpectrum m = KnownSpectrum.of(rows, cols, 3L * rows + cols);
        double[] expected = m.expectedEigenvalues();
        int k = Math.min(rows, cols);
        double[] g = backend().smallerGram(m.a(), rows, cols);
        EigenSystem e = backend().symmetricEigenSystem(g.clone(), k);
        double lmax = expected[k - 1];
        assertArrayEquals(expected, e.values(), TOL64 * lmax);
        for (int j = 0; j < k; j++) {
            double[] v = e.vector(j);
            for (int i = 0; i < k; i++) { // G v = lambda v, row by row
                double gv = 0;
                for (int c = 0; c < k; c++) {
                    gv += g[i * k + c] * v[c];
                }
                assertEquals(e.values()[j] * v[i], gv, TOL64 * lmax * 10, "G v_" + j);
            }
            for (int l = j; l < k; l++) {
                double dot = 0;
                double[] u = e.vector(l);
                for (int i = 0; i < k; i++) {
                    dot += v[i] * u[i];
                }
                assertEquals(l == j ? 1.0 : 0.0, dot, 1e-10, "v_" + j + " . v_" + l);
            }
        }
    }

    @Test
    void eigenSystemOfATwoByTwoByHand() {
        // [[2,1],[1,2]]: eigenvalues 1 and 3, eigenvectors (1,-1)/sqrt2 and (1,1)/sqrt2 (up to sign)
        EigenSystem e = backend().symmetricEigenSystem(new double[]{2, 1, 1, 2}, 2);
        assertArrayEquals(new double[]{1, 3}, e.values(), 1e-14);
        double h = Math.sqrt(0.5);
        assertEquals(h, Math.abs(e.vector(0)[0]), 1e-14);
        assertEquals(-e.vector(0)[0], e.vector(0)[1], 1e-14);
        assertEquals(e.vector(1)[0], e.vector(1)[1], 1e-14);
        assertEquals(h, Math.abs(e.vector(1)[1]), 1e-14);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"40,25", "25,40", "130,70", "70,130"})
    void gramIsTheFullSymmetricProductOfTheSmallerSide(int rows, int cols) {
        double[] a = gaussian(rows * cols, rows + 31L * cols);
        double[] before = a.clone();
        double[] expected = KnownSpectrum.naiveGram(a, rows, cols);
        assertArrayEquals(expected, backend().smallerGram(a, rows, cols), 1e-12 * Math.max(rows, cols));
        assertArrayEquals(before, a, 0.0, "input must not be modified");

        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        assertArrayEquals(expected, widen(backend().smallerGram(f, rows, cols)), 2e-5 * Math.max(rows, cols));
    }

    @Test
    void handWorkedTwoByTwo() {
        // [[2,1],[1,2]]: characteristic polynomial (2-λ)² - 1 = 0, so λ = 1, 3.
        assertArrayEquals(new double[] {1, 3}, backend().symmetricEigenvalues(new double[] {2, 1, 1, 2}, 2), 1e-14);
        assertArrayEquals(new float[] {1, 3}, backend().symmetricEigenvalues(new float[] {2, 1, 1, 2}, 2), 1e-6f);
        // A = [[1,2],[3,4],[5,6]]: AᵀA = [[35,44],[44,56]], trace 91, det 35·56-44² = 24,
        // λ = (91 ± sqrt(91² - 96)) / 2.
        double[] a = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(new double[] {35, 44, 44, 56}, backend().smallerGram(a, 3, 2), 1e-12);
        double d = Math.sqrt(91.0 * 91 - 96);
        assertArrayEquals(new double[] {(91 - d) / 2, (91 + d) / 2}, backend().smallerGramEigenvalues(a, 3, 2), 1e-11);
        // Transposed orientation: AAᵀ of the 2x3 matrix [[1,3,5],[2,4,6]] is the same 2x2 [[35,44],[44,56]].
        assertArrayEquals(new double[] {35, 44, 44, 56}, backend().smallerGram(new double[] {1, 3, 5, 2, 4, 6}, 2, 3), 1e-12);
    }

    @Test
    void rejectsNonFiniteAndBadShapes() {
        assertThrows(ArithmeticException.class, () -> backend().symmetricEigenvalues(new double[] {1, Double.NaN, Double.NaN, 1}, 2));
        assertThrows(ArithmeticException.class, () -> backend().symmetricEigenvalues(new float[] {Float.POSITIVE_INFINITY, 0, 0, 1}, 2));
        assertThrows(ArithmeticException.class, () -> backend().smallerGramEigenvalues(new double[] {1, Double.NaN, 3, 4}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().smallerGram(new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> backend().smallerGram(new float[6], 0, 6));
        assertThrows(IllegalArgumentException.class, () -> backend().symmetricEigenvalues(new double[5], 2));
    }

    @Test
    void namesItself() {
        assertEquals(backend().name().strip(), backend().name());
        assertEquals(false, backend().name().isEmpty());
    }

    static double[] gaussian(int n, long seed) {
        Random rnd = new Random(seed);
        double[] a = new double[n];
        Arrays.setAll(a, i -> rnd.nextGaussian());
        return a;
    }

    static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
