package dev.loupe.spectral.fit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The port follows scipy's path, not just its optimum. */
class TestNelderMead {
    @Test
    void rosenbrockEndsWhereScipyDoes() {
        // scipy 1.10.1 (Debian python3, 2026-12-06):
        //   fmin(lambda p: (1-p[0])**2 + 100*(p[1]-p[0]**2)**2, [-1.2, 1.0], full_output=1, disp=False)
        //   -> x = [1.0000220217835696, 1.0000422197517715], f = 8.177661197416674e-10, 85 iterations, 159 calls
        int[] calls = {0};
        NelderMead.Result r = NelderMead.minimize(p -> {
            calls[0]++;
            return (1 - p[0]) * (1 - p[0]) + 100 * (p[1] - p[0] * p[0]) * (p[1] - p[0] * p[0]);
        }, new double[]{-1.2, 1.0});
        assertEquals(1.0000220217835696, r.x()[0], 1e-15);
        assertEquals(1.0000422197517715, r.x()[1], 1e-15);
        assertEquals(8.177661197416674e-10, r.f(), 1e-22);
        assertEquals(159, calls[0]);
    }
}
