package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import dev.loupe.linalg.sketch.Vectors;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Residual bounds against the exact spectrum of a dense quadratic A = Q·diag(λ)·Qᵀ (Q a random orthogonal
 * matrix from a QR factorization, λ chosen): each reported bound must equal ‖Ay − θy‖ computed directly, and an
 * exact eigenvalue must lie within it, converged or not; converged, the top eigenvalues must be λ's.
 */
class LanczosEigenTest {
    private static final int N = 150;

    /** λ: 40, 25, 20, 12, −9, 8, then a bulk in [−0.5, 1). */
    private static double[] lambda() {
        double[] l = new double[N];
        double[] top = {40, 25, 20, 12, -9, 8};
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < N; i++) {
            l[i] = i < top.length ? top[i] : r.nextDouble(-0.5, 1);
        }
        return l;
    }

    private static double[][] matrix(double[] l) {
        SplittableRandom r = new SplittableRandom(7);
        DMatrixRMaj g = new DMatrixRMaj(N, N);
        for (int i = 0; i < N * N; i++) {
            g.data[i] = r.nextGaussian();
        }
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(N, N);
        assertTrue(qr.decompose(g));
        DMatrixRMaj q = qr.getQ(null, false);
        DMatrixRMaj d = CommonOps_DDRM.diag(l);
        DMatrixRMaj a = new DMatrixRMaj(N, N), tmp = new DMatrixRMaj(N, N);
        CommonOps_DDRM.mult(q, d, tmp);
        CommonOps_DDRM.multTransB(tmp, q, a);
        double[][] out = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                out[i][j] = 0.5 * (a.get(i, j) + a.get(j, i));
            }
        }
        return out;
    }

    private static double nearest(double[] l, double x) {
        double best = Double.POSITIVE_INFINITY;
        for (double v : l) {
            best = Math.min(best, Math.abs(v - x));
        }
        return best;
    }

    @Test
    void boundsAreTheTrueResidualsAndHoldAnEigenvalueBeforeConvergence() {
        double[] l = lambda();
        HessianVectorProduct h = new DenseHessian(matrix(l));
        TopEigen r = LanczosEigen.top(h, 5, 8, 0, 1, Progress.NONE); // 8 steps: far from converged for the bulk
        assertEquals(8, r.hvps());
        boolean someLoose = false;
        for (int i = 0; i < 5; i++) {
            double[] y = r.eigenvectors().get(i);
            double[] res = h.apply(y);
            Vectors.subtract(res, r.eigenvalues()[i], y);
            assertEquals(Vectors.norm(res), r.residuals()[i], 1e-9 * 40, "residual of θ" + i);
            assertTrue(nearest(l, r.eigenvalues()[i]) <= r.residuals()[i] + 1e-12,
                    "θ" + i + " = " + r.eigenvalues()[i] + " has no eigenvalue within " + r.residuals()[i]);
            someLoose |= r.residuals()[i] > 1e-3;
        }
        assertTrue(someLoose, "8 steps should leave some Ritz value unconverged, or the test checks nothing");
    }

    @Test
    void convergedTopFiveAreTheLargestMagnitudes() {
        double[] l = lambda();
        TopEigen r = LanczosEigen.top(new DenseHessian(matrix(l)), 5, 150, 1e-8, 2, Progress.NONE);
        double[] want = {40, 25, 20, 12, -9};
        for (int i = 0; i < 5; i++) {
            assertEquals(want[i], r.eigenvalues()[i], 1e-6 * 40);
            assertTrue(r.residuals()[i] <= 1e-8 * Math.abs(want[i]) + 1e-12);
        }
        assertTrue(r.hvps() < 150, "stopped on its bounds, not on the step cap: " + r.hvps());
    }

    /**
     * Products with rounding-sized errors (Hv plus 10⁻⁴·‖v‖ along one fixed direction), run to the step cap with no
     * tolerance: Lanczos's own estimate falls far below what the products can show, so the bound must be the measured
     * residual ‖Hy − θy‖ of those products, one more product per eigenvalue.
     */
    @Test
    void boundsUnderTheProductsNoiseAreMeasured() {
        double[] l = lambda();
        HessianVectorProduct exact = new DenseHessian(matrix(l));
        double[] e = new double[l.length];
        java.util.Arrays.fill(e, 1 / Math.sqrt(l.length));
        HessianVectorProduct noisy = new HessianVectorProduct() {
            public int dimension() {
                return exact.dimension();
            }

            public double[] apply(double[] v) {
                double[] hv = exact.apply(v);
                Vectors.subtract(hv, -1e-4 * Vectors.norm(v), e);
                return hv;
            }
        };
        TopEigen r = LanczosEigen.top(noisy, 2, 60, 0, 5, Progress.NONE);
        assertEquals(r.iterations()[0] + 2, r.hvps(), "each bound under the noise measured with one more product");
        for (int i = 0; i < 2; i++) {
            double[] y = r.eigenvectors().get(i);
            double[] res = noisy.apply(y);
            Vectors.subtract(res, r.eigenvalues()[i], y);
            assertTrue(r.residuals()[i] >= Vectors.norm(res) / Vectors.norm(y) * (1 - 1e-9),
                    "bound " + r.residuals()[i] + " under the measured residual " + Vectors.norm(res));
            assertTrue(r.residuals()[i] > 1e-6, "a bound of " + r.residuals()[i] + " claims more than the products hold");
        }
    }

    @Test
    void powerIterationResidualsHoldAnEigenvalue() {
        double[] l = lambda();
        TopEigen r = PowerIteration.top(new DenseHessian(matrix(l)), 3, 20, 0, 4, Progress.NONE);
        for (int i = 0; i < 3; i++) {
            assertTrue(nearest(l, r.eigenvalues()[i]) <= r.residuals()[i] + 1e-12,
                    "λ" + i + " = " + r.eigenvalues()[i] + " ± " + r.residuals()[i]);
        }
        assertEquals(60, r.hvps());
    }
}
