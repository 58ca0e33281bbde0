package dev.loupe.core.tensor;

/**
 * Reads a strided (non-contiguous) view in row-major logical order. The trailing dimensions that are
 * laid out contiguously (unit innermost stride, each outer stride the size of what it spans) form
 * runs that are decoded in bulk by the contiguous decoder, e.g. each row of a column slice
 * {@code w[:, a:b]}; a view whose innermost stride is not 1 (a transpose) has runs of one element.
 */
final class StridedReader {
    private StridedReader() {
    }

    /** Receives one run: {@code n} elements starting at storage element {@code elem}, for {@code dst[at..]}. */
    private interface Run {
        void decode(long elem, int at, int n);
    }

    static void readFloats(Tensor t, long start, float[] dst, int off, int len) {
        walk(t, start, len, (elem, at, n) -> ElementDecoder.decodeFloats(t.dtype(), t.data(), elem, dst, off + at, n));
    }

    static void readDoubles(Tensor t, long start, double[] dst, int off, int len) {
        walk(t, start, len, (elem, at, n) -> ElementDecoder.decodeDoubles(t.dtype(), t.data(), elem, dst, off + at, n));
    }

    /**
     * The number of trailing dimensions that merge into contiguous runs: the innermost has stride 1 (or
     * size 1) and each dimension before it steps exactly over the ones after it. 0 when the innermost
     * stride is not 1.
     */
    static int contiguousTail(long[] shape, long[] strides) {
        long span = 1;
        int k = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != span) {
                break;
            }
            span *= shape[d];
            k++;
        }
        return k;
    }

    /** Calls {@code run} for the runs covering logical elements {@code [start, start + len)}, in order. */
    private static void walk(Tensor t, long start, int len, Run run) {
        long[] shape = t.shape();
        long[] strides = t.strides();
        int outer = shape.length - contiguousTail(shape, strides);
        long runLen = 1;
        for (int d = outer; d < shape.length; d++) {
            runLen *= shape[d];
        }
        if (len == 0 || runLen == 0) {
            return;
        }
        long[] idx = new long[outer];
        long pos = start % runLen; // position inside the first run
        long rem = start / runLen;
        for (int d = outer - 1; d >= 0; d--) {
            idx[d] = rem % shape[d];
            rem /= shape[d];
        }
        int done = 0;
        while (done < len) {
            long e = t.offset() + pos;
            for (int d = 0; d < outer; d++) {
                e += idx[d] * strides[d];
            }
            int n = (int) Math.min(runLen - pos, len - done);
            run.decode(e, done, n);
            done += n;
            pos = 0;
            for (int d = outer - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
    }
}
