package dev.loupe.landscape.direction;

import dev.loupe.landscape.engine.ParameterLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DirectionsTest {
    // conv [2,3,2,1] (filters along axis 0), matmul [3,2] (filters = columns), bias [2]
    private static final ParameterLayout LAYOUT = new ParameterLayout(List.of("conv", "mm", "bias"),
            List.of(new long[]{2, 3, 2, 1}, new long[]{3, 2}, new long[]{2}), new int[]{0, 12, 18, 20}, new int[]{0, 1, 0});

    @Test
    void eachFilterGetsTheNormOfItsWeightFilterAndBiasesAreZero() {
        float[] theta = new float[20];
        for (int i = 0; i < 20; i++) {
            theta[i] = (i % 5) - 2 + 0.25f * i;
        }
        float[] d = Directions.filterNormalized(LAYOUT, theta, 42);
        // conv filter f = elements [6f, 6f+6)
        for (int f = 0; f < 2; f++) {
            assertEquals(norm(theta, 6 * f, 6 * f + 6, 1), norm(d, 6 * f, 6 * f + 6, 1), 1e-5);
        }
        // matmul [3,2] at 12: column j = 12 + j, 14 + j, 16 + j
        for (int j = 0; j < 2; j++) {
            assertEquals(norm(theta, 12 + j, 18, 2), norm(d, 12 + j, 18, 2), 1e-5);
        }
        assertArrayEquals(new float[]{0, 0}, new float[]{d[18], d[19]});
    }

    @Test
    void sameSeedSameDirection() {
        float[] theta = new float[20];
        java.util.Arrays.fill(theta, 1f);
        assertArrayEquals(Directions.filterNormalized(LAYOUT, theta, 7), Directions.filterNormalized(LAYOUT, theta, 7));
    }

    @Test
    void filterNormalizationOnlyRescalesWithinAFilter() {
        float[] theta = new float[20];
        java.util.Arrays.fill(theta, 2f);
        float[] raw = Directions.gaussian(LAYOUT, 3);
        float[] d = raw.clone();
        Directions.filterNormalize(LAYOUT, d, theta);
        // within conv filter 0 every entry is scaled by the same factor ‖w_0‖/‖raw_0‖ = sqrt(6*4)/‖raw_0‖
        double s = Math.sqrt(24) / norm(raw, 0, 6, 1);
        for (int i = 0; i < 6; i++) {
            assertEquals(raw[i] * s, d[i], 1e-5);
        }
    }

    private static double norm(float[] a, int from, int to, int step) {
        double s = 0;
        for (int i = from; i < to; i += step) {
            s += a[i] * a[i];
        }
        return Math.sqrt(s);
    }
}
