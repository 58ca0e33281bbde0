package dev.loupe.compress.prune;

/**
 * The k-th smallest of an int array by quickselect with a three-way partition, so runs of equal keys
 * (pruned weights, quantized values) cost one pass instead of degrading to quadratic time. The JDK has
 * no selection routine and sorting is what this replaces; the pivot is the median of three.
 */
final class Selection {
    private Selection() {
    }

    /** The value that sorting {@code a} would put at index {@code k}. Reorders {@code a}. */
    static int kthSmallest(int[] a, int k) {
        if (k < 0 || k >= a.length) {
            throw new IndexOutOfBoundsException("k=" + k + " of " + a.length);
        }
        int lo = 0;
        int hi = a.length - 1;
        while (lo < hi) {
            int pivot = medianOfThree(a[lo], a[lo + (hi - lo) / 2], a[hi]);
            // a[lo..lt) < pivot, a[lt..i) == pivot, a(gt..hi] > pivot
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                int v = a[i];
                if (v < pivot) {
                    a[i++] = a[lt];
                    a[lt++] = v;
                } else if (v > pivot) {
                    a[i] = a[gt];
                    a[gt--] = v;
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return a[lo];
    }

    private static int medianOfThree(int x, int y, int z) {
        return Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
    }
}
