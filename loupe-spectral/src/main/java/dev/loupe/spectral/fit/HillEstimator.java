package dev.loupe.spectral.fit;

/**
 * PL_Alpha_Hill as AlphaPruning computes it (lib/esd_utils.py, net_esd_estimator with
 * fix_fingers='xmin_mid', xmin_pos=2, filter_zeros=False): over all eigenvalues ascending, take
 * i = ⌊n/2⌋, k = n − i, alpha = 1 + k / (Σ_{j≥i} ln λ_j − k ln λ_i).
 */
public final class HillEstimator {
    private HillEstimator() {
    }

    /** Hill alpha of an ascending ESD; NaN when undefined (fewer than 2 values or a non-positive xmin). */
    public static double plAlphaHill(double[] sortedEvals) {
        int n = sortedEvals.length;
        if (n < 2) {
            return Double.NaN;
        }
        int i = n / 2;
        double xmin = sortedEvals[i];
        if (!(xmin > 0)) {
            return Double.NaN;
        }
        double k = n - i;
        double logXmin = Math.log(xmin);
        double sum = 0;
        for (int j = i; j < n; j++) {
            sum += Math.log(sortedEvals[j]);
        }
        double denom = sum - k * logXmin;
        return denom > 0 ? 1 + k / denom : Double.NaN; // all tail values equal: no tail to estimate
    }
}
