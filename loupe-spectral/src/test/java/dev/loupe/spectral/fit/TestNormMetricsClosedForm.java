package dev.loupe.spectral.fit;

import dev.loupe.linalg.Backends;
import dev.loupe.spectral.esd.EsdCalculator;
import dev.loupe.spectral.esd.Precision;
import dev.loupe.spectral.result.SpectralNorms;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** W = U·diag(s)·Vᵀ with random orthogonal U, V: the ESD must be s², and every norm metric its formula. */
class TestNormMetricsClosedForm {

    @Test
    void knownSingularValues() {
        int n = 60;
        int m = 25;
        double[] s = new double[m];
        for (int i = 0; i < m; i++) {
            s[i] = 0.1 + 0.2 * i; // 0.1 .. 4.9
        }
        Random rnd = new Random(5);
        DMatrixRMaj u = RandomMatrices_DDRM.orthogonal(n, m, rnd);
        DMatrixRMaj v = RandomMatrices_DDRM.orthogonal(m, m, rnd);
        DMatrixRMaj us = u.copy();
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                us.set(r, c, us.get(r, c) * s[c]);
            }
        }
        DMatrixRMaj w = new DMatrixRMaj(n, m);
        CommonOps_DDRM.multTransB(us, v, w);
        float[] wf = new float[n * m];
        for (int i = 0; i < wf.length; i++) {
            wf[i] = (float) w.data[i];
        }
        // float storage perturbs the singular values by ~1e-7 relative; compare with that tolerance
        double[] ev = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(wf, n, m);
        double[] want = Arrays.stream(s).map(x -> x * x).sorted().toArray();
        for (int i = 0; i < m; i++) {
            assertEquals(want[i], ev[i], 1e-6 * want[i] + 1e-12, "eigenvalue " + i);
        }
        // the same matrix transposed gives the same ESD (smaller side)
        float[] wt = new float[n * m];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                wt[c * n + r] = wf[r * m + c];
            }
        }
        double[] evt = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(wt, m, n);
        assertEquals(m, evt.length);
        for (int i = 0; i < m; i++) {
            assertEquals(ev[i], evt[i], 1e-9 * ev[i]);
        }

        double alpha = 3.0;
        SpectralNorms nm = NormMetrics.compute(want, alpha, n, 0, s[0]);
        double fro2 = Arrays.stream(s).map(x -> x * x).sum();
        double top = s[m - 1] * s[m - 1];
        assertEquals(fro2, nm.norm(), 1e-12);
        assertEquals(Math.log10(fro2), nm.logNorm(), 1e-14);
        assertEquals(top, nm.spectralNorm(), 0);
        assertEquals(Math.log10(top), nm.logSpectralNorm(), 1e-15);
        assertEquals(alpha * Math.log10(top), nm.alphaWeighted(), 1e-14);
        assertEquals(Math.log10(Arrays.stream(s).map(x -> Math.pow(x * x, alpha)).sum()), nm.logAlphaNorm(), 1e-13);
        assertEquals(fro2 / top, nm.stableRank(), 1e-12);
        assertEquals(m, nm.matrixRank());
        double h = 0;
        for (double x : s) {
            double p = x * x / fro2;
            h -= p * Math.log(p);
        }
        // WeightWatcher's +1e-10 guards move the entropy by ~1e-9
        assertEquals(h / Math.log(m), nm.entropy(), 1e-8);
        assertEquals(s[m - 1], nm.svMax(), 1e-15);
    }

    @Test
    void rankDeficientMatrixRank() {
        // rank 1: w = a bᵀ
        int n = 30;
        int m = 12;
        float[] w = new float[n * m];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < m; c++) {
                w[r * m + c] = (r + 1) * (c % 3 + 1) * 0.01f;
            }
        }
        double[] ev = new EsdCalculator(Backends.pureJava(), Precision.FP64).eigenvalues(w, n, m);
        assertEquals(1, NormMetrics.matrixRank(ev, n));
        // uniform spectrum: entropy 1
        assertEquals(1.0, NormMetrics.entropy(new double[] {2, 2, 2, 2}, 4), 1e-8);
    }
}
