package dev.loupe.core.tensor;

/**
 * Decodes a whole tensor in bounded chunks (any size, any dtype) to check it: a decode failure
 * surfaces as the reader's LoupeException, and non-finite values are counted.
 */
public final class TensorScan {
    /** Elements per chunk: a whole number of blocks for every ggml type (32 and 256). */
    private static final int CHUNK = 1 << 20;

    private TensorScan() {
    }

    /** The number of NaN or infinite elements of {@code t}, decoding every element once. */
    public static long nonFinite(Tensor t) {
        double[] buf = new double[(int) Math.min(CHUNK, Math.max(1, t.numel()))];
        long bad = 0;
        for (long start = 0; start < t.numel(); start += CHUNK) {
            int len = (int) Math.min(CHUNK, t.numel() - start);
            t.readDoubles(start, buf, 0, len);
            for (int i = 0; i < len; i++) {
                if (!Double.isFinite(buf[i])) {
                    bad++;
                }
            }
        }
        return bad;
    }
}
