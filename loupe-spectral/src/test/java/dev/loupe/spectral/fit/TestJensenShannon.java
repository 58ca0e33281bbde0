package dev.loupe.spectral.fit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestJensenShannon {
    @Test
    void handWorked() {
        assertEquals(0, JensenShannon.distance(new double[] {1, 2, 3}, new double[] {2, 4, 6}), 0);
        // p = (1, 0), q = (0, 1): m = (1/2, 1/2); KL(p‖m) = ln 2; distance = √(ln 2)
        assertEquals(Math.sqrt(Math.log(2)), JensenShannon.distance(new double[] {1, 0}, new double[] {0, 1}), 1e-15);
    }
}
