package dev.loupe.spectral.weights;

import dev.loupe.spectral.result.WeightStats;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TestWeightStatistics {
    @Test
    void gaussianAndLaplaceShapes() {
        SplittableRandom r = new SplittableRandom(4);
        int rows = 200;
        int cols = 1000;
        float[] g = new float[rows * cols];
        float[] l = new float[rows * cols];
        for (int i = 0; i < g.length; i++) {
            double u = 1 - r.nextDouble();
            g[i] = (float) (0.02 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
            double e = -Math.log(1 - r.nextDouble());
            l[i] = (float) (r.nextBoolean() ? e : -e);
        }
        WeightStats gs = WeightStatistics.of(g, rows, cols);
        assertEquals(0.02, gs.std(), 0.0005);
        assertEquals(0, gs.kurtosis(), 0.05);
        assertEquals(2, gs.ggdBeta(), 0.05);
        assertEquals(0.0027, gs.frac3Sigma(), 0.0005); // P(|Z| > 3) = 0.0027
        // GGD scale for β = 2 is σ√2
        assertEquals(0.02 * Math.sqrt(2), gs.ggdScale(), 0.001);
        WeightStats ls = WeightStatistics.of(l, rows, cols);
        assertEquals(3, ls.kurtosis(), 0.2); // Laplace excess kurtosis
        assertEquals(1, ls.ggdBeta(), 0.03);
        // int8 error is far below int4 error
        assertEquals(true, gs.int8PerChannel() < gs.int4PerChannel() / 8);
        assertEquals(true, gs.int4Group128() < gs.int4PerChannel());
    }

    @Test
    void quantizationHandWorked() {
        // one row {1, 0.5, -0.26}: int4 scale 1/7; 0.5·7 = 3.5 -> rint 4 (ties to even) -> 4/7;
        // -0.26·7 = -1.82 -> -2 -> -2/7
        float[] w = {1f, 0.5f, -0.26f};
        double e1 = 0.5 - 4.0 / 7;
        double e2 = -0.26f + 2.0 / 7;
        double ref = 1 + 0.25 + (double) 0.26f * 0.26f;
        double want = Math.sqrt((e1 * e1 + e2 * e2) / ref);
        assertEquals(want, Quantization.relativeError(w, 1, 3, 4, 3), 1e-7);
        assertEquals(0, Quantization.relativeError(new float[] {0, 0}, 1, 2, 8, 2), 0);
    }
}
