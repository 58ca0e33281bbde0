package dev.loupe.spectral.fit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Γ(s, x) against mpmath 1.2.1's gammainc(s, x) (Debian python3, 2026-12-06) and closed forms. */
class TestIncompleteGamma {
    @ParameterizedTest(name = "Gamma({0}, {1})")
    @CsvSource({"-1.5, 0.01, 648.9300494125563", "-1.5, 2.0, 0.011832994103345998", "-0.3, 0.5, 0.5745239984395234",
        "-4.2, 1e-5, 2.380921131179656e+20", "-2.0000001, 0.3, 3.333798349327215", "-1.0, 3e-6, 333320.19364922895",
        "0.5, 0.2, 0.9342413831022497", "2.5, 0.7, 1.2287269648652965", "-7.5, 12.0, 2.4617199890899248e-15"})
    void matchesMpmath(double s, double x, double want) {
        // -2.0000001 and -1.0: next to and at a pole of Γ(s), where a naive recurrence divides by ~0
        double tol = 1e-13;
        assertEquals(want, IncompleteGamma.upper(s, x), tol * want);
    }

    @Test
    void closedForms() {
        for (double x : new double[]{0.01, 0.5, 0.99, 1.0, 3.0, 20.0}) {
            assertEquals(Math.exp(-x), IncompleteGamma.upper(1, x), 1e-14 * Math.exp(-x), "Γ(1, x) = e^-x");
            // Γ(2, x) = (1 + x) e^-x; Γ(0, x) - Γ(-1, x)·(-1) ... via the recurrence Γ(s+1, x) = sΓ(s, x) + x^s e^-x
            assertEquals((1 + x) * Math.exp(-x), IncompleteGamma.upper(2, x), 1e-14 * (1 + x) * Math.exp(-x), "Γ(2, x)");
            double g = IncompleteGamma.upper(-0.7, x);
            assertEquals(IncompleteGamma.upper(0.3, x), -0.7 * g + Math.pow(x, -0.7) * Math.exp(-x),
                    1e-13 * IncompleteGamma.upper(0.3, x), "recurrence at x=" + x);
        }
    }
}
