package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.TruncatedPowerLawFit;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** E_TPL: closed forms of the normalizer, and parameters recovered from samples of a known truncated power law. */
class TestTruncatedPowerLawFitter {
    /**
     * Samples of p(x) ∝ x^−α e^−Λx on [xmin, ∞): Pareto(α, xmin) proposals (inverse CDF) accepted with
     * probability e^−Λ(x−xmin) ≤ 1 (the ratio of the two densities up to a constant).
     */
    static double[] sample(double alpha, double lambda, double xmin, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] out = new double[n];
        int k = 0;
        while (k < n) {
            double x = xmin * Math.pow(1 - r.nextDouble(), -1 / (alpha - 1));
            if (r.nextDouble() < Math.exp(-lambda * (x - xmin))) {
                out[k++] = x;
            }
        }
        Arrays.sort(out);
        return out;
    }

    @Test
    void normalizerClosedForms() {
        // Λ = 0: ∫ x^−α = xmin^(1−α)/(α−1);  α = 0: ∫ e^−Λx = e^−Λxmin/Λ;  α = −1: ∫ x e^−Λx = e^−Λxmin (Λxmin+1)/Λ²
        assertEquals(Math.log(Math.pow(2.0, -1.5) / 1.5), TruncatedPowerLawFitter.logNormalizer(2.5, 0, 2.0), 1e-14);
        assertEquals(-0.3 * 1.5 - Math.log(0.3), TruncatedPowerLawFitter.logNormalizer(0, 0.3, 1.5), 1e-10);
        assertEquals(Math.log(Math.exp(-0.7 * 2) * (0.7 * 2 + 1) / (0.7 * 0.7)),
                TruncatedPowerLawFitter.logNormalizer(-1, 0.7, 2.0), 1e-10);
        // Γ(0, z) = E1(z): α = 1, xmin = 1, Λ = 1 gives E1(1) = 0.21938393439552029 (Abramowitz & Stegun 5.1)
        assertEquals(Math.log(0.21938393439552029), TruncatedPowerLawFitter.logNormalizer(1, 1, 1), 1e-10);
    }

    @Test
    void recoversKnownParametersWithinStatisticalError() {
        double alpha = 2.5;
        double lambda = 0.2;
        int n = 20_000;
        double[] x = sample(alpha, lambda, 1.0, n, 42);
        TruncatedPowerLawFit f = TruncatedPowerLawFitter.mle(x, 1.0);
        // asymptotic covariance of the MLE in an exponential family: (n·Cov[ln x, x])⁻¹, estimated from the sample
        double ml = 0;
        double mx = 0;
        for (double v : x) {
            ml += Math.log(v) / n;
            mx += v / n;
        }
        double vl = 0;
        double vx = 0;
        double c = 0;
        for (double v : x) {
            vl += (Math.log(v) - ml) * (Math.log(v) - ml) / n;
            vx += (v - mx) * (v - mx) / n;
            c += (Math.log(v) - ml) * (v - mx) / n;
        }
        double det = vl * vx - c * c;
        double sdAlpha = Math.sqrt(vx / det / n);
        double sdLambda = Math.sqrt(vl / det / n);
        assertEquals(alpha, f.alpha(), 4 * sdAlpha, "sd " + sdAlpha);
        assertEquals(lambda, f.Lambda(), 4 * sdLambda, "sd " + sdLambda);
        assertTrue(sdAlpha < 0.05 && sdLambda < 0.02, sdAlpha + " " + sdLambda);
        // the MLE of an exponential family matches moments: E[ln x] and E[x] under the fit equal the sample's
        double h = 1e-5;
        double dA = (TruncatedPowerLawFitter.logNormalizer(f.alpha() + h, f.Lambda(), 1) - TruncatedPowerLawFitter
                .logNormalizer(f.alpha() - h, f.Lambda(), 1)) / (2 * h);
        assertEquals(ml, -dA, 2e-4);
        // a real cutoff: E_TPL beats the plain power law decisively
        assertTrue(f.R() < -10 && f.p() < 1e-6, f.R() + " " + f.p());
    }

    @Test
    void pureParetoGivesLambdaNearZero() {
        double[] x = sample(3.0, 0.0, 1.0, 20_000, 7);
        TruncatedPowerLawFit f = TruncatedPowerLawFitter.mle(x, 1.0);
        assertEquals(3.0, f.alpha(), 0.06);
        assertTrue(f.Lambda() < 0.02, "Lambda " + f.Lambda());
        assertTrue(f.p() > 1e-3, "no evidence against the power law: p " + f.p());
    }
}
