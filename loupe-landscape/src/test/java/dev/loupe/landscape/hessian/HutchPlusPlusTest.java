package dev.loupe.landscape.hessian;

import dev.loupe.core.progress.Progress;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hutch++ on A = P·diag(d)·P with P = I − 2uuᵀ/‖u‖² a Householder reflection (symmetric, orthogonal): the trace is
 * Σd exactly, the eigenvalues d, and A is dense (on a diagonal matrix Rademacher vᵀAv would be exact every time).
 */
class HutchPlusPlusTest {
    private static HessianVectorProduct rotated(double[] d) {
        SplittableRandom r = new SplittableRandom(9);
        double[] u = new double[d.length];
        double uu = 0;
        for (int i = 0; i < u.length; i++) {
            u[i] = r.nextGaussian();
            uu += u[i] * u[i];
        }
        double norm2 = uu;
        return new HessianVectorProduct() {
            @Override
            public int dimension() {
                return d.length;
            }

            @Override
            public double[] apply(double[] v) {
                double[] y = reflect(v);
                for (int i = 0; i < d.length; i++) {
                    y[i] *= d[i];
                }
                return reflect(y);
            }

            private double[] reflect(double[] v) {
                double c = 0;
                for (int i = 0; i < v.length; i++) {
                    c += u[i] * v[i];
                }
                double[] y = v.clone();
                for (int i = 0; i < v.length; i++) {
                    y[i] -= 2 * c / norm2 * u[i];
                }
                return y;
            }
        };
    }

    @Test
    void rankBelowTheSketchIsExact() {
        double[] d = new double[300];
        d[3] = 50;
        d[100] = -7;
        d[299] = 2.5; // rank 3 < k = 10: Q spans the range, the remainder is zero
        Hutchinson.Result r = HutchPlusPlus.trace(rotated(d), 30, 1, Progress.NONE);
        assertEquals(45.5, r.trace(), 1e-10);
        assertEquals(0, r.halfWidth95(), 1e-10);
        assertEquals(30, r.samples());
    }

    /**
     * A decaying spectrum (a few large values over a bulk, as loss Hessians have): over 40 seeds at 30 products each,
     * Hutch++ is unbiased (mean within 3 standard errors of the exact trace), most of its intervals cover the trace, and its
     * spread is far below Hutchinson's at the same products.
     */
    @Test
    void unbiasedAndTighterThanHutchinsonOnADecayingSpectrum() {
        SplittableRandom r = new SplittableRandom(2);
        double[] d = new double[500];
        double exact = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = 100.0 / ((i + 1) * (i + 1)) + 0.01 * r.nextDouble();
            exact += d[i];
        }
        int seeds = 40, covered = 0;
        double[] pp = new double[seeds], h = new double[seeds];
        for (int s = 0; s < seeds; s++) {
            Hutchinson.Result a = HutchPlusPlus.trace(rotated(d), 30, 100 + s, Progress.NONE);
            pp[s] = a.trace();
            covered += Math.abs(a.trace() - exact) <= a.halfWidth95() ? 1 : 0;
            h[s] = Hutchinson.trace(rotated(d), 30, 0, 100 + s, Progress.NONE).trace();
        }
        double mean = mean(pp), sd = sd(pp);
        assertTrue(Math.abs(mean - exact) <= 3 * sd / Math.sqrt(seeds), mean + " vs " + exact);
        // skewed remainder samples: fewer than 95% of the intervals hold the trace (HutchPlusPlus's note)
        assertTrue(covered >= 30, covered + " of 40 intervals hold the trace");
        assertTrue(sd < 0.5 * sd(h), "Hutch++ sd " + sd + " vs Hutchinson " + sd(h));
    }

    @Test
    void studentQuantiles() {
        assertEquals(2.2622, HutchPlusPlus.t975(9), 1e-3);
        assertEquals(2.0369, HutchPlusPlus.t975(32), 1e-4);
        assertEquals(2.0860, HutchPlusPlus.t975(20), 1e-4);
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double sd(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (x.length - 1));
    }
}
