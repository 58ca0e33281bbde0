package dev.loupe.compress.allocate;

import dev.loupe.linalg.DenseBackend;

import java.util.Arrays;

/**
 * PL_Alpha_Hill as AlphaPruning computes it (lib/esd_utils.py, fix_fingers='xmin_mid'): the eigenvalues
 * λ of WᵀW (the squared singular values), ascending, nonzero; x_min = λ[i] with i = ⌊n/2⌋; then the Hill
 * estimator α = 1 + k / (Σ_{j ≥ i} ln λ_j − k·ln λ_i) with k = n − i.
 *
 * <p>A stand-in until loupe-spectral (which computes the same metric with its full ESD machinery) is on
 * main; the allocation only needs one number per layer.
 */
public final class HillAlpha {
    private HillAlpha() {
    }

    /** α of row-major [rows, cols] {@code w}. */
    public static double of(DenseBackend backend, float[] w, int rows, int cols) {
        double[] d = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            d[i] = w[i];
        }
        double[] gram = backend.smallerGram(d, rows, cols);
        return fromEigenvalues(backend.symmetricEigenvalues(gram, Math.min(rows, cols)));
    }

    /** The Hill estimate from eigenvalues in any order (non-positive ones are dropped, as numerical zeros). */
    public static double fromEigenvalues(double[] eigenvalues) {
        double[] nz = Arrays.stream(eigenvalues).filter(v -> v > 0).sorted().toArray();
        int n = nz.length;
        if (n < 2) {
            return Double.NaN;
        }
        int i = n / 2;
        int k = n - i;
        double sum = 0;
        for (int j = i; j < n; j++) {
            sum += Math.log(nz[j]);
        }
        double denom = sum - k * Math.log(nz[i]);
        return denom > 0 ? 1 + k / denom : Double.NaN;
    }
}
