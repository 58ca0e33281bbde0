package dev.loupe.spectral.fit;

/** The complementary error function, for χ²(1) tail probabilities: sf(x) = erfc(√(x/2)). */
final class Erfc {
    private Erfc() {
    }

    /**
     * Numerical Recipes' erfcc (Chebyshev fit, relative error &lt; 1.2e-7 everywhere): enough for a
     * p-value, and avoids a dependency for one function.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
