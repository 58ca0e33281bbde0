package dev.loupe.spectral;

import dev.loupe.spectral.fit.PowerLawFitter;
import dev.loupe.spectral.weights.GeneralizedGaussian;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The densities plots draw from fitted parameters (moved here from loupe-report with the formulas). */
class TestDensities {
    @Test
    void lnGammaMatchesFactorialsAndHalfIntegers() {
        assertEquals(Math.log(24), GeneralizedGaussian.logGamma(5), 1e-13);
        assertEquals(0.5 * Math.log(Math.PI), GeneralizedGaussian.logGamma(0.5), 1e-13);
        assertEquals(Math.log(Math.sqrt(Math.PI) / 2), GeneralizedGaussian.logGamma(1.5), 1e-13);
    }

    @Test
    void ggdWithShapeTwoIsTheNormalDensity() {
        double sigma = 0.03;
        for (double w : new double[]{-0.1, -0.02, 0, 0.05}) {
            double normal = Math.exp(-w * w / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
            assertEquals(normal, GeneralizedGaussian.density(w, 0, sigma * Math.sqrt(2), 2), normal * 1e-12);
        }
        // β = 1 is the Laplace density exp(−|w|/b)/(2b)
        assertEquals(Math.exp(-0.5) / 0.2, GeneralizedGaussian.density(0.05, 0, 0.1, 1), 1e-12);
    }

    @Test
    void powerLawDensityIntegratesToTheTailFraction() {
        // ∫_xmin^∞ f·(α−1)/xmin·(λ/xmin)^−α dλ = f; checked by the trapezoid rule on a log grid to 1e5·xmin
        double alpha = 3.2;
        double xmin = 7;
        double f = 0.25;
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double a = xmin * Math.pow(1e5, (double) i / n);
            double b = xmin * Math.pow(1e5, (double) (i + 1) / n);
            sum += (b - a) * (f * PowerLawFitter.density(a, alpha, xmin) + f * PowerLawFitter.density(b, alpha, xmin)) / 2;
        }
        double truncated = f * (1 - Math.pow(1e5, 1 - alpha)); // the part below 1e5·xmin, closed form
        assertEquals(truncated, sum, 1e-6);
    }
}
