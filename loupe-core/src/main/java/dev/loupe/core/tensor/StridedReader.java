package dev.loupe.core.tensor;

/** Reads a strided (non-contiguous) view in row-major logical order, one element at a time. */
final class StridedReader {
    private StridedReader() {
    }

    static void readFloats(Tensor t, long start, float[] dst, int off, int len) {
        double[] tmp = new double[len];
        readDoubles(t, start, tmp, 0, len);
        for (int i = 0; i < len; i++) {
            dst[off + i] = (float) tmp[i];
        }
    }

    static void readDoubles(Tensor t, long start, double[] dst, int off, int len) {
        long[] shape = t.shape();
        long[] strides = t.strides();
        int r = shape.length;
        long[] idx = new long[r];
        long rem = start;
        for (int d = r - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
        }
        double[] one = new double[1];
        for (int i = 0; i < len; i++) {
            long e = t.offset();
            for (int d = 0; d < r; d++) {
                e += idx[d] * strides[d];
            }
            ElementDecoder.decodeDoubles(t.dtype(), t.data(), e, one, 0, 1);
            dst[off + i] = one[0];
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
}
