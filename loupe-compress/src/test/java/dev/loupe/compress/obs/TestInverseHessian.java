package dev.loupe.compress.obs;

import dev.loupe.core.LoupeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestInverseHessian {
    @Test
    void handWorkedTwoByTwo() {
        // H = [[2, 1], [1, 2]]: H⁻¹ = [[2, −1], [−1, 2]]/3; its upper Cholesky factor U has
        // U00 = √(2/3), U01 = (−1/3)/√(2/3) = −1/√6, U11 = √(2/3 − 1/6) = √(1/2) = 1/√H11
        InverseHessian h = InverseHessian.of(new double[] {2, 1, 1, 2}, 2, 0, false);
        assertEquals(Math.sqrt(2.0 / 3), h.u()[0], 1e-15);
        assertEquals(-1 / Math.sqrt(6), h.u()[1], 1e-15);
        assertEquals(0, h.u()[2]);
        assertEquals(Math.sqrt(0.5), h.u()[3], 1e-15);
    }

    @Test
    void factorOfTheDampenedInverseOnLargerCases() {
        // n = 300 crosses the panel width and the parallel threshold of Cholesky
        for (int n : new int[] {7, 300}) {
            double[] xtx = DirectObs.gram(n + 50, n, n);
            for (boolean actOrder : new boolean[] {false, true}) {
                InverseHessian h = InverseHessian.of(xtx, n, 0.01, actOrder);
                double[] damped = DirectObs.dampened(xtx, n, 0.01);
                double[] hinv = DirectObs.inverse(DirectObs.sub(damped, n, h.order(), h.order()), n);
                double worst = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int k = 0; k < n; k++) {
                            s += h.u()[k * n + i] * h.u()[k * n + j];
                        }
                        worst = Math.max(worst, Math.abs(s - hinv[i * n + j]) / Math.abs(hinv[i * n + i]));
                        if (j < i) {
                            assertEquals(0, h.u()[i * n + j]);
                        }
                    }
                }
                assertTrue(worst < 1e-9, "UᵀU vs H⁻¹ relative error " + worst);
                if (actOrder) {
                    for (int i = 1; i < n; i++) {
                        assertTrue(xtx[h.order()[i - 1] * (n + 1)] >= xtx[h.order()[i] * (n + 1)]);
                    }
                }
            }
        }
    }

    @Test
    void deadInputsGetUnitDiagonalAsInTheReference() {
        // input 1 never active: its row and column of XᵀX are 0; the reference sets its diagonal to 1, so with
        // no dampening it decouples and U11 = 1
        double[] xtx = {4, 0, 2, 0, 0, 0, 2, 0, 3};
        InverseHessian h = InverseHessian.of(xtx, 3, 0, false);
        assertTrue(h.dead()[1]);
        assertFalse(h.dead()[0] || h.dead()[2]);
        assertEquals(1, h.diagonal(1), 1e-15);
        assertEquals(0, h.u()[1 * 3 + 2], 1e-15);
    }

    @Test
    void nonFiniteOrIndefiniteIsOneLine() {
        assertThrows(LoupeException.class, () -> InverseHessian.of(new double[] {Double.NaN, 0, 0, 1}, 2, 0.01, false));
        LoupeException e = assertThrows(LoupeException.class,
                () -> InverseHessian.of(new double[] {1, 2, 2, 1}, 2, 0, false));
        assertFalse(e.getMessage().contains("\n"));
    }
}
