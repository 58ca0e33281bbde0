package dev.loupe.compress.obs;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The native kernels (LAPACK dpotrf/dtrtri, dgemm trailing updates) against the pure-Java code they replace. */
class TestCholesky {
    @Test
    void nativeFactorAndInverseEqualJava() {
        assertNotNull(Cholesky.NATIVE, "the bundled OpenBLAS loads on the build machines");
        int n = 300;
        double[] xtx = DirectObs.gram(n + 50, n, n);
        double[] a = xtx.clone();
        double[] b = xtx.clone();
        assertTrue(Cholesky.factor(a, n, Cholesky.NATIVE));
        assertTrue(Cholesky.factor(b, n, null));
        double[] ia = Cholesky.invertLower(a, n, Cholesky.NATIVE);
        double[] ib = Cholesky.invertLower(b, n, null);
        for (int k = 0; k < n * n; k++) {
            assertEquals(b[k], a[k], 1e-9 * Math.abs(b[(k / n) * (n + 1)]), "L entry " + k);
            assertEquals(ib[k], ia[k], 1e-9 * Math.abs(ib[(k / n) * (n + 1)]), "L⁻¹ entry " + k);
        }
        // L·L⁻¹ = I
        for (int i = 0; i < n; i += 37) {
            for (int j = 0; j < n; j += 11) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[i * n + k] * ia[k * n + j];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-9);
            }
        }
        double[] indefinite = {1, 2, 2, 1};
        assertFalse(Cholesky.factor(indefinite.clone(), 2, Cholesky.NATIVE));
        assertFalse(Cholesky.factor(indefinite.clone(), 2, null));
    }

    @Test
    void nativeSweepEqualsJavaSweep() {
        int rows = 40;
        int n = 300;
        InverseHessian h = InverseHessian.of(DirectObs.gram(n + 50, n, n), n, 0.01, false);
        SplittableRandom r = new SplittableRandom(3);
        double[] w = new double[rows * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextGaussian();
        }
        double[] a = w.clone();
        double[] b = w.clone();
        LazyBatch.Rule grid = (row, col, block, off, i, cur) -> Math.rint(block[off + i] * 4) / 4;
        double la = LazyBatch.sweep(a, rows, h, 128, grid, Cholesky.NATIVE);
        double lb = LazyBatch.sweep(b, rows, h, 128, grid, null);
        assertEquals(lb, la, 1e-9 * lb);
        int differ = 0;
        for (int k = 0; k < a.length; k++) {
            differ += a[k] == b[k] ? 0 : 1;
        }
        // every value lands on the same grid point (a tie could round apart only by rounding noise)
        assertEquals(0, differ);
    }
}
