package dev.loupe.spectral.fit;

/**
 * numpy's {@code np.histogram(a, bins=k)} with equal bins (numpy 1.24, lib/histograms.py): edges
 * {@code linspace(min, max, k+1)} (edge i = min + i·(max−min)/k, the last one exactly max; a constant array gets
 * the range min ± 0.5), each value in the bin whose edges enclose it, the maximum in the last bin. WeightWatcher
 * bins with it twice: the log10-ESD whose fullest bin sets {@code fix_fingers='xmin_peak'}'s xmin range
 * (weightwatcher.py fit_powerlaw) and each eigenvector's |entries| for its discrete entropy (RMT_Util.discrete_entropy).
 */
public final class EqualBins {
    private final double[] edges;
    private final int[] counts;

    private EqualBins(double[] edges, int[] counts) {
        this.edges = edges;
        this.counts = counts;
    }

    /** The histogram of the finite values {@code a} (non-empty) in {@code k} equal bins. */
    public static EqualBins of(double[] a, int k) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        double[] edges = new double[k + 1];
        double step = (hi - lo) / k;
        for (int i = 0; i < k; i++) {
            edges[i] = i * step + lo;
        }
        edges[k] = hi;
        double norm = k / (hi - lo);
        int[] counts = new int[k];
        for (double v : a) {
            int i = (int) ((v - lo) * norm);
            if (i == k) {
                i--;
            }
            if (v < edges[i]) { // numpy's correction for rounding in (v - lo)·norm
                i--;
            } else if (i != k - 1 && v >= edges[i + 1]) {
                i++;
            }
            counts[i]++;
        }
        return new EqualBins(edges, counts);
    }

    /** The k + 1 bin edges. */
    public double[] edges() {
        return edges.clone();
    }

    public int[] counts() {
        return counts.clone();
    }

    /** The first fullest bin ({@code np.argmax} of the counts). */
    public int fullest() {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Left edge of bin {@code i}. */
    public double leftEdge(int i) {
        return edges[i];
    }

    /** {@code density=True}: count / (total · bin width), with numpy's per-bin widths {@code diff(edges)}. */
    public double[] density() {
        long total = 0;
        for (int c : counts) {
            total += c;
        }
        double[] d = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            d[i] = counts[i] / (edges[i + 1] - edges[i]) / total; // numpy: n / db / n.sum()
        }
        return d;
    }
}
