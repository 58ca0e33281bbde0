package dev.loupe.spectral.fit;

import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.result.MpFit;
import dev.loupe.spectral.result.PowerLawFit;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random-matrix theory: a Gaussian matrix is all bulk; a rank-one spike above the BBP threshold stands out. */
class TestMarchenkoPastur {
    static final int N = 800;
    static final int M = 200; // Q = 4

    static float[] gaussian(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[N * M];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (nextGaussian(r) / Math.sqrt(N));
        }
        return w;
    }

    static double nextGaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void gaussianHasNoSpikesAndLargeAlpha() {
        double[] ev = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(gaussian(1), N, M);
        MpFit mp = MarchenkoPastur.fit(ev, 4.0, M);
        assertEquals(0, mp.numSpikes());
        // the theoretical edge of entries with variance 1/N is (1 + 1/√Q)² = 2.25; W_scale brings the mean eigenvalue to 1
        assertTrue(mp.mpSoftrank() > 0.8, "mp_softrank " + mp.mpSoftrank());
        PowerLawFit f = PowerLawFitter.fit(ev, false);
        assertTrue(f.alpha() > 4, "alpha " + f.alpha());
    }

    @Test
    void rankOneSpikeAboveBbpThresholdIsDetected() {
        float[] w = gaussian(2);
        // W + θ u vᵀ with unit u, v: BBP threshold θ > Q^(−1/4) ≈ 0.71 in these units; θ = 3 is far above
        SplittableRandom r = new SplittableRandom(9);
        double[] u = new double[N];
        double[] v = new double[M];
        double nu = 0;
        double nv = 0;
        for (int i = 0; i < N; i++) {
            u[i] = nextGaussian(r);
            nu += u[i] * u[i];
        }
        for (int j = 0; j < M; j++) {
            v[j] = nextGaussian(r);
            nv += v[j] * v[j];
        }
        double theta = 3;
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < M; j++) {
                w[i * M + j] += (float) (theta * u[i] / Math.sqrt(nu) * v[j] / Math.sqrt(nv));
            }
        }
        double[] ev = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(w, N, M);
        MpFit mp = MarchenkoPastur.fit(ev, 4.0, M);
        assertEquals(1, mp.numSpikes());
        // BBP: the spike eigenvalue sits at (θ² + 1)(θ² + c)/θ² with c = 1/Q = 0.25 (edge 2.25)
        double predicted = (theta * theta + 1) * (theta * theta + 0.25) / (theta * theta);
        assertEquals(predicted, ev[ev.length - 1], 0.15 * predicted);
    }
}
