package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.PowerLawFit;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestPowerLawFitter {

    /** Pareto(alpha, xmin) by inversion: x = xmin · u^(−1/(alpha−1)) has density ∝ x^−alpha. */
    static double[] pareto(int n, double alpha, double xmin, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = xmin * Math.pow(1 - r.nextDouble(), -1 / (alpha - 1));
        }
        Arrays.sort(x);
        return x;
    }

    @Test
    void recoversParetoExponentWithinStatisticalError() {
        for (double alpha : new double[] {1.8, 2.5, 4.0}) {
            double[] x = pareto(20000, alpha, 1.0, 42);
            PowerLawFit f = PowerLawFitter.fit(x, false);
            // MLE standard error (alpha−1)/√n on the fitted tail; allow 4 of them
            assertEquals(alpha, f.alpha(), 4 * f.sigma() + 0.02, "alpha " + alpha);
            assertEquals((f.alpha() - 1) / Math.sqrt(f.numPlSpikes()), f.sigma(), 1e-12);
        }
    }

    @Test
    void recoversTailAboveAnExponentialBody() {
        SplittableRandom r = new SplittableRandom(7);
        double[] x = new double[6000];
        for (int i = 0; i < 3000; i++) {
            x[i] = r.nextDouble() * 5; // body below the tail
        }
        double[] tail = pareto(3000, 3.0, 5.0, 8);
        System.arraycopy(tail, 0, x, 3000, 3000);
        Arrays.sort(x);
        PowerLawFit f = PowerLawFitter.fit(x, false);
        assertEquals(3.0, f.alpha(), 0.25);
        assertTrue(f.xmin() >= 4.0 && f.xmin() <= 8.0, "xmin " + f.xmin());
    }

    /**
     * A direct transcription of WeightWatcher's WWFit.fit_power_law loop (independent of the
     * implementation: pow, per-candidate sums, no suffix sums), compared to ≤ 1e-9.
     */
    @Test
    void matchesNaiveReferenceScanExactly() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 30; trial++) {
            int n = 5 + r.nextInt(60);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = Math.exp(r.nextGaussian() * 2);
            }
            Arrays.sort(x);
            double[] ref = naive(x);
            PowerLawFit f = PowerLawFitter.fit(x, false);
            assertEquals(ref[0], f.alpha(), 1e-9 * Math.abs(ref[0]), "alpha trial " + trial);
            assertEquals(ref[1], f.xmin(), 0, "xmin trial " + trial);
            assertEquals(ref[2], f.D(), 1e-9, "D trial " + trial);
            assertEquals(ref[3], f.sigma(), 1e-9 * Math.abs(ref[3]), "sigma trial " + trial);
        }
    }

    /** {alpha, xmin, D, sigma} by the literal WWFit loop. */
    static double[] naive(double[] data) {
        int big = data.length;
        double bestD = Double.MAX_VALUE;
        double[] best = null;
        for (int i = 0; i < big - 1; i++) {
            double n = big - i;
            double sumLog = 0;
            for (int k = i; k < big; k++) {
                sumLog += Math.log(data[k]);
            }
            double alpha = 1 + n / (sumLog - n * Math.log(data[i]));
            double d = 1;
            if (alpha > 1) {
                d = 0;
                for (int k = 0; k < n; k++) {
                    double theo = 1 - Math.pow(data[i + k] / data[i], -alpha + 1);
                    d = Math.max(d, Math.abs(theo - k / n));
                }
            }
            if (d < bestD) {
                bestD = d;
                best = new double[] {alpha, data[i], d, (alpha - 1) / Math.sqrt(n)};
            }
        }
        return best;
    }

    @Test
    void thresholdAndFailure() {
        assertFalse(PowerLawFitter.fit(new double[] {0, 1e-6, 3}, false).ok(), "one value above 1e-5 cannot be fitted");
        PowerLawFit f = PowerLawFitter.fit(new double[] {0, 0, 1, 2, 4, 8}, false);
        assertTrue(f.ok());
        assertTrue(f.xmin() >= 1, "zeros are not candidates");
    }

    @Test
    void clipXmaxFailsOnTinySpectraLikeWeightWatcher() {
        // 10 values: clipping 9 leaves one value, which WWFit cannot fit -> the layer fails (WW's fc3)
        double[] x = pareto(10, 2.5, 1, 1);
        assertFalse(PowerLawFitter.fit(x, true).ok());
        assertTrue(PowerLawFitter.fit(x, false).ok());
    }
}
