package dev.loupe.spectral.fit;

/**
 * {@code np.sum} of a contiguous float64 array: numpy's pairwise summation (numpy/core/src/umath/loops_utils.h
 * {@code pairwise_sum}: below 8 values a plain loop, up to 128 eight interleaved partial sums, above that the two
 * halves summed recursively). The last bits of a fit's starting point depend on it.
 */
final class NumpySum {
    private static final int BLOCK = 128;

    private NumpySum() {
    }

    static double sum(double[] a, int from, int to) {
        int n = to - from;
        if (n < 8) {
            double res = 0.0; // numpy starts from -0.0; the same for any nonzero sum
            for (int i = from; i < to; i++) {
                res += a[i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[from + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return sum(a, from, from + n2) + sum(a, from + n2, to);
    }
}
