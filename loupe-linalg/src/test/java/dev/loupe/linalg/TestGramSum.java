package dev.loupe.linalg;

import dev.loupe.linalg.openblas.NativeDense;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class TestGramSum {
    @Test
    void nativeAndJavaSumsEqualTheDirectSum() {
        int n = 37;
        int rows = 2 * GramSum.BLOCK + 91; // two full native blocks and a partial one
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 5 == 0 ? 0 : (float) r.nextGaussian();
        }
        double[] direct = new double[n * n];
        for (int t = 0; t < rows; t++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    direct[i * n + j] += (double) x[t * n + i] * x[t * n + j];
                }
            }
        }
        NativeDense blas = NativeDense.loadOrNull();
        assertNotNull(blas, "the bundled OpenBLAS loads on the build machines");
        for (NativeDense b : new NativeDense[] {blas, null}) {
            GramSum s = new GramSum(n, b);
            s.add(x, 0, 100);                   // a batch, then single rows
            for (int t = 100; t < rows; t++) {
                s.addRow(x, t * n);
            }
            double[] g = s.full();
            assertEquals(rows, s.rows());
            for (int k = 0; k < n * n; k++) {
                // float partials over at most 256 rows: relative error ~1e-7·√256 of the diagonal scale
                assertEquals(direct[k], g[k], 1e-5 * rows, (b == null ? "java" : "native") + " entry " + k);
                assertEquals(g[(k % n) * n + k / n], g[k], 0.0, "symmetric");
            }
        }
    }
}
