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

    /**
     * AlphaPruning's alpha_peak (lib/esd_utils.py, net_esd_estimator with fix_fingers='xmin_peak', bins=100,
     * filter_zeros=False): the power-law fit whose xmin minimizes the Kolmogorov-Smirnov distance, over the
     * candidate xmins of {@link XminPeak} (the same window as WeightWatcher's fix_fingers='xmin_peak'); skipped
     * candidates keep D = 1, α = 0.
     * NaN for fewer than 2 values or a non-positive eigenvalue.
     */
    public static double plAlphaPeak(double[] sortedEvals) {
        int n = sortedEvals.length;
        if (n < 2 || !(sortedEvals[0] > 0)) {
            return Double.NaN;
        }
        double[] log = new double[n];
        for (int i = 0; i < n; i++) {
            log[i] = Math.log(sortedEvals[i]);
        }
        // the reference bins with torch.histc, WeightWatcher with np.histogram: the same bins but at exact edges
        XminPeak window = XminPeak.of(sortedEvals);
        double lower = window.lo();
        double upper = window.hi();
        double[] suffix = new double[n + 1];
        for (int i = n - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + log[i];
        }
        double[] alphas = new double[n - 1];
        double[] ds = new double[n - 1];
        java.util.Arrays.fill(ds, 1);
        for (int i = 0; i < n - 1; i++) {
            double xmin = sortedEvals[i];
            if (xmin < lower) {
                continue;
            }
            if (xmin > upper) {
                break;
            }
            double k = n - i;
            alphas[i] = 1 + k / (suffix[i] - k * log[i]);
            if (alphas[i] > 1) {
                double d = 0;
                for (int j = i; j < n; j++) {
                    d = Math.max(d, Math.abs(1 - Math.pow(sortedEvals[j] / xmin, 1 - alphas[i]) - (j - i) / k));
                }
                ds[i] = d;
            }
        }
        int best = 0; // torch.argmin: the first minimum, never-fitted entries (D = 1, α = 0) included
        for (int i = 1; i < n - 1; i++) {
            if (ds[i] < ds[best]) {
                best = i;
            }
        }
        return alphas[best];
    }
}
