package dev.loupe.zoo.map;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestRidge {
    @Test
    void oneFeatureHandWorked() {
        // x = -1, 0, 1: mean 0, population sd sqrt(2/3), z = x·sqrt(3/2), Σz² = 3. y = 1, 2, 6: ȳ = 3,
        // Σz(y-ȳ) = sqrt(3/2)·5. With λ = 3: β = 5·sqrt(3/2)/6, so ŷ(x=1) = 3 + 5·(3/2)/6 = 4.25.
        Ridge r = Ridge.fit(new double[][]{{-1}, {0}, {1}}, new double[]{1, 2, 6}, 3);
        assertEquals(3.0, r.intercept(), 1e-15);
        assertEquals(5 * Math.sqrt(1.5) / 6, r.beta()[0], 1e-14);
        assertEquals(4.25, r.predict(new double[]{1}), 1e-14);
        // λ = 0 is least squares: slope 2.5, so ŷ(1) = 5.5.
        assertEquals(5.5, Ridge.fit(new double[][]{{-1}, {0}, {1}}, new double[]{1, 2, 6}, 0).predict(new double[]{1}), 1e-13);
    }

    @Test
    void recoversAnExactLinearLawWithTinyLambda() {
        Random rnd = new Random(7);
        double[][] x = new double[40][3];
        double[] y = new double[40];
        for (int i = 0; i < 40; i++) {
            x[i] = new double[]{rnd.nextGaussian(), 10 * rnd.nextGaussian(), rnd.nextDouble()};
            y[i] = 2 * x[i][0] - 0.3 * x[i][1] + 0 * x[i][2] + 5;
        }
        Ridge r = Ridge.fit(x, y, 1e-10);
        assertEquals(2 - 3 + 5, r.predict(new double[]{1, 10, 0.5}), 1e-8);
    }

    @Test
    void crossValidatedScoresSeparateSignalFromNoise() {
        Random rnd = new Random(11);
        int n = 60;
        double[][] signal = new double[n][1];
        double[][] noise = new double[n][1];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            signal[i][0] = rnd.nextDouble();
            noise[i][0] = rnd.nextGaussian();
            y[i] = 3 * signal[i][0] + 1;
        }
        CrossValidation.Score good = CrossValidation.ridge("signal", signal, y, 5, 1);
        CrossValidation.Score bad = CrossValidation.ridge("noise", noise, y, 5, 1);
        CrossValidation.Score constant = CrossValidation.constant(y, 5, 1);
        assertEquals(1.0, good.spearman(), 1e-12); // a positive-slope line preserves order exactly
        assertTrue(good.r2() > 0.999, "r2 " + good.r2());
        assertTrue(bad.r2() < 0.05, "r2 " + bad.r2());
        assertTrue(constant.r2() <= 0, "out-of-fold means cannot beat the overall mean: " + constant.r2());
    }

    @Test
    void foldsPartitionTheRowsEvenly() {
        int[] f = CrossValidation.folds(23, 5, 3);
        int[] count = new int[5];
        for (int v : f) {
            count[v]++;
        }
        for (int c : count) {
            assertTrue(c == 4 || c == 5);
        }
        assertEquals(23, java.util.Arrays.stream(count).sum());
    }

    @Test
    void r2IsOneMinusResidualOverTotal() {
        // y = 1,2,3 (mean 2, SStot 2), predictions 1,2,4: SSres 1, so R² = 1 - 1/2.
        assertEquals(0.5, CrossValidation.r2(new double[]{1, 2, 3}, new double[]{1, 2, 4}), 1e-15);
    }
}
