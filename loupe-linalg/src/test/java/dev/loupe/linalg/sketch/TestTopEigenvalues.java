package dev.loupe.linalg.sketch;

import dev.loupe.linalg.Backends;
import dev.loupe.linalg.KnownSpectrum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestTopEigenvalues {
    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"400,300", "300,400", "257,64"})
    void topOfAKnownSpectrumWithinItsBounds(int rows, int cols) {
        // W = U diag(s) Vᵀ with s = 1, 1/2^0.5, 1/3^0.5 ... (a power-law ESD: λ_i = 1/i, like a trained layer's top).
        int n = Math.min(rows, cols);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = 1 / Math.sqrt(i + 1.0);
        }
        double[] w = KnownSpectrum.of(rows, cols, s, 11L * rows + cols).a();
        TopSpectrum top = TopEigenvalues.of(MatrixProducts.dense(w, rows, cols), 8, 1e-10, n, 3);
        assertEquals(8, top.eigenvalues().length);
        assertTrue(top.maxRelativeBound() <= 1e-10, () -> "bound " + top.maxRelativeBound());
        assertTrue(top.steps() < n, "should converge before the full dimension: " + top.steps());
        for (int i = 0; i < 8; i++) {
            double exact = 1.0 / (i + 1);
            assertEquals(exact, top.eigenvalues()[i], top.errorBounds()[i] + 1e-12, "λ_" + i);
        }
    }

    @Test
    void rankDeficientMatrixGivesAnInvariantSpaceAndExactValues() {
        Random rnd = new Random(5);
        int rows = 60, cols = 40, rank = 3;
        double[] left = new double[rows * rank];
        double[] right = new double[rank * cols];
        for (int i = 0; i < left.length; i++) {
            left[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < right.length; i++) {
            right[i] = rnd.nextGaussian();
        }
        double[] w = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                for (int t = 0; t < rank; t++) {
                    w[i * cols + j] += left[i * rank + t] * right[t * cols + j];
                }
            }
        }
        double[] dense = Backends.pureJava().smallerGramEigenvalues(w.clone(), rows, cols); // ascending
        TopSpectrum top = TopEigenvalues.of(MatrixProducts.dense(w, rows, cols), 3, 1e-12, 40, 1);
        // The random start vector has a component in the 37-dim null space too, which adds one
        // direction (eigenvalue 0): the Krylov space is invariant after rank + 1 = 4 steps.
        assertTrue(top.exact(), "a rank-3 Gram has a 4-dimensional Krylov space");
        assertEquals(4, top.steps());
        for (int i = 0; i < 3; i++) {
            assertEquals(dense[cols - 1 - i], top.eigenvalues()[i], 1e-10 * dense[cols - 1]);
        }
    }

    @Test
    void matrixProductsAreTheDefiningSums() {
        double[] a = {1, 2, 3, 4, 5, 6}; // [[1,2,3],[4,5,6]]
        MatrixProducts w = MatrixProducts.dense(a, 2, 3);
        double[] y = new double[2];
        w.times(new double[] {1, 0, -1}, y);
        assertEquals(-2, y[0], 0);
        assertEquals(-2, y[1], 0);
        double[] z = new double[3];
        w.transposeTimes(new double[] {1, 1}, z);
        assertEquals(5, z[0], 0);
        assertEquals(7, z[1], 0);
        assertEquals(9, z[2], 0);
    }

    @Test
    void rejectsKOutOfRange() {
        MatrixProducts w = MatrixProducts.dense(new double[6], 2, 3);
        assertThrows(IllegalArgumentException.class, () -> TopEigenvalues.of(w, 3, 1e-8, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> TopEigenvalues.of(w, 0, 1e-8, 10, 1));
    }
}
