package dev.loupe.spectral.fit;

import dev.loupe.spectral.result.SpectralNorms;

/** Scale, rank and entropy metrics of an ESD, with WeightWatcher 0.7.5.5's definitions. */
public final class NormMetrics {
    private static final double EPS64 = Math.ulp(1.0);
    /** weak_rank_loss counts eigenvalues below this (WeightWatcher's default tolerance). */
    private static final double WEAK_RANK_TOL = 1e-6;

    private NormMetrics() {
    }

    /**
     * @param sortedEvals ascending ESD (all eigenvalues, zeros included)
     * @param alpha       fitted alpha (NaN if the fit failed: alpha_weighted and log_alpha_norm are NaN)
     * @param N           larger side of each slice (for the rank tolerance)
     * @param rankLoss    Σ over slices of (M − rank), computed per slice by the caller
     * @param svMin       smallest singular value (per WeightWatcher's per-slice quirk), from the caller
     */
    public static SpectralNorms compute(double[] sortedEvals, double alpha, int N, int rankLoss, double svMin) {
        int n = sortedEvals.length;
        double norm = 0;
        for (double v : sortedEvals) {
            norm += v;
        }
        double lmax = n == 0 ? Double.NaN : sortedEvals[n - 1];
        double logSpec = Math.log10(lmax);
        double alphaNorm = 0;
        int weak = 0;
        for (double v : sortedEvals) {
            if (!Double.isNaN(alpha)) {
                alphaNorm += Math.pow(v, alpha);
            }
            if (v < WEAK_RANK_TOL) {
                weak++;
            }
        }
        int rank = matrixRank(sortedEvals, N);
        return new SpectralNorms(norm, Math.log10(norm), lmax, logSpec, alpha * logSpec,
                Double.isNaN(alpha) ? Double.NaN : Math.log10(alphaNorm), norm / lmax,
                entropy(sortedEvals, rank), rank, rankLoss, weak, Math.sqrt(lmax), svMin);
    }

    /**
     * numpy.linalg.matrix_rank's rule, #σ &gt; σ_max·N·ε, stated on eigenvalues: λ &gt; λ_max·N·ε.
     * The Gram matrix leaves an absolute error ~ε·λ_max on every eigenvalue, so the singular-value
     * threshold (√ of that) is below what a Gram-based ESD resolves; the eigenvalue form is the
     * same decision for every well-separated spectrum and stable for rank-deficient ones.
     */
    static int matrixRank(double[] sortedEvals, int N) {
        if (sortedEvals.length == 0) {
            return 0;
        }
        double tol = sortedEvals[sortedEvals.length - 1] * N * EPS64;
        int r = 0;
        for (double v : sortedEvals) {
            if (v > tol) {
                r++;
            }
        }
        return r;
    }

    /**
     * WeightWatcher's matrix entropy: p = λ/Σλ + 1e-10 (their guard), −Σ p ln p / ln(rank + 1e-10).
     * (RMT_Util.matrix_entropy computes it from the singular values; p is the same.)
     */
    static double entropy(double[] sortedEvals, int rank) {
        double sum = 0;
        for (double v : sortedEvals) {
            sum += v;
        }
        double h = 0;
        for (double v : sortedEvals) {
            double p = v / sum + 1e-10;
            h -= p * Math.log(p);
        }
        return h / Math.log(rank + 1e-10);
    }
}
