package dev.loupe.landscape.hessian;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Gaussian broadening of SLQ nodes, against the normal density written out by hand. */
class SpectralDensityTest {
    private static double[] grid(double lo, double hi, int n) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = lo + (hi - lo) * i / (n - 1);
        }
        return g;
    }

    /** One node μ = 2 of weight 1, σ = 0.3: the density is exp(−(x − μ)²/(2σ²)) / (σ√(2π)). */
    @Test
    void oneNodeOfWeightOneIsAGaussianOfTheGivenSigma() {
        double sigma = 0.3, mu = 2;
        SpectralDensity.Quadrature q = new SpectralDensity.Quadrature(new double[]{mu}, new double[]{1}, 1);
        double[] g = grid(0, 4, 401);
        double[] d = q.density(g, sigma * sigma);
        for (int i = 0; i < g.length; i++) {
            double t = (g[i] - mu) / sigma;
            assertEquals(Math.exp(-t * t / 2) / (sigma * Math.sqrt(2 * Math.PI)), d[i], 1e-12);
        }
        assertEquals(1 / (0.3 * Math.sqrt(2 * Math.PI)), d[200], 1e-12); // peak 1.3298 at μ
        // half maximum at μ ± σ√(2 ln 2) = 2 ± 0.35322
        double half = sigma * Math.sqrt(2 * Math.log(2));
        assertEquals(d[200] / 2, q.density(new double[]{mu + half}, sigma * sigma)[0], 1e-12);
    }

    /** Two runs, nodes with weights summing to 1 per run: the density integrates to 1 (trapezoid rule). */
    @Test
    void densityOfSeveralRunsIntegratesToOne() {
        SpectralDensity.Quadrature q = new SpectralDensity.Quadrature(new double[]{-0.5, 0, 1, 0.2, 3},
                new double[]{0.2, 0.5, 0.3, 0.9, 0.1}, 2);
        double[] g = grid(-3, 6, 9001);
        double[] d = q.density(g, 0.04);
        double area = 0;
        for (int i = 1; i < g.length; i++) {
            area += (d[i] + d[i - 1]) / 2 * (g[i] - g[i - 1]);
        }
        assertEquals(1.0, area, 1e-6);
    }
}
