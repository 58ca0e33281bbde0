package dev.loupe.spectral.fit;

/**
 * The 1-D linear (triangular) kernel density that sklearn's {@code KernelDensity(kernel='linear')}
 * computes exactly: f(x) = 1/(n h) Σ max(0, 1 − |x − x_i|/h). A two-line formula; a binary search
 * over the sorted sample keeps it O(log n + window).
 */
final class LinearKde {
    private LinearKde() {
    }

    static double density(double[] sorted, double h, double x) {
        int lo = lowerBound(sorted, x - h);
        double s = 0;
        for (int i = lo; i < sorted.length && sorted[i] < x + h; i++) {
            double d = Math.abs(x - sorted[i]);
            if (d < h) {
                s += 1 - d / h;
            }
        }
        return s / (sorted.length * h);
    }

    private static int lowerBound(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
