package dev.loupe.diff.activations;

import dev.loupe.linalg.DenseBackend;

/**
 * Linear centered kernel alignment (Kornblith, Norouzi, Lee &amp; Hinton, ICML 2019, eq. (5) with linear kernels) of
 * two representations of the same n examples, X (n × p) and Y (n × q):
 * CKA = ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F) with column-centred Xc, Yc, computed as ⟨K, L⟩_F / (‖K‖_F ‖L‖_F)
 * over the n × n Gram matrices K = XcXcᵀ, L = YcYcᵀ (the same value; cost n²·(p + q), so wide conv outputs are
 * cheap). 1 for identical representations, invariant to orthogonal transforms and isotropic scaling of either.
 */
public final class LinearCka {
    private LinearCka() {
    }

    /** CKA of row-major {@code x} (n × p) and {@code y} (n × q); NaN when either is constant over the examples. */
    public static double of(DenseBackend backend, float[] x, int p, float[] y, int q, int n) {
        double[] k = centredGram(backend, x, n, p);
        double[] l = centredGram(backend, y, n, q);
        double kl = 0;
        double kk = 0;
        double ll = 0;
        for (int i = 0; i < k.length; i++) {
            kl += k[i] * l[i];
            kk += k[i] * k[i];
            ll += l[i] * l[i];
        }
        return kl / Math.sqrt(kk * ll);
    }

    /** XcXcᵀ (n × n) in double: native syrk when p ≥ n (the smaller side is then the examples), else a plain loop. */
    static double[] centredGram(DenseBackend backend, float[] x, int n, int p) {
        double[] c = new double[n * p];
        for (int j = 0; j < p; j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[i * p + j];
            }
            mean /= n;
            for (int i = 0; i < n; i++) {
                c[i * p + j] = x[i * p + j] - mean;
            }
        }
        if (p >= n) {
            return backend.smallerGram(c, n, p);
        }
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int f = 0; f < p; f++) {
                    s += c[i * p + f] * c[j * p + f];
                }
                g[i * n + j] = s;
                g[j * n + i] = s;
            }
        }
        return g;
    }
}
