package dev.loupe.lm.forward;

import dev.loupe.linalg.openblas.NativeSgemm;

import java.lang.foreign.MemorySegment;

/**
 * Causal multi-head attention with grouped-query sharing (query head h reads key/value head h / (heads/kvHeads)):
 * per head, S = Q_h·K_gᵀ/√d by sgemm, a causal softmax row by row, then O_h = P·V_g by sgemm. The masked upper
 * triangle is computed and zeroed rather than skipped: one large sgemm beats T small ones. A sliding window
 * ({@code config.SlidingWindow}) also zeroes the keys more than window−1 positions back.
 */
final class Attention {
    private final NativeSgemm blas;
    private float[] scores = new float[0];

    Attention(NativeSgemm blas) {
        this.blas = blas;
    }

    /** A matrix of rows at {@code offset} in {@code data} with row stride {@code ld}. */
    record View(float[] data, int offset, int ld) {
        MemorySegment head(int h, int headDim) {
            return MemorySegment.ofArray(data).asSlice(4L * (offset + (long) h * headDim));
        }
    }

    /**
     * Writes every head's output into {@code out} (row stride {@code heads·headDim}); {@code window} > 0 limits each
     * query to the last {@code window} keys, itself included.
     */
    void run(View q, View k, View v, int rows, int heads, int kvHeads, int headDim, int window, float[] out) {
        if (scores.length < rows * rows) {
            scores = new float[rows * rows];
        }
        float scale = (float) (1 / Math.sqrt(headDim));
        int group = heads / kvHeads;
        MemorySegment s = MemorySegment.ofArray(scores);
        MemorySegment o = MemorySegment.ofArray(out);
        for (int h = 0; h < heads; h++) {
            int g = h / group;
            blas.sgemm(false, true, rows, rows, headDim, scale, q.head(h, headDim), q.ld(), k.head(g, headDim), k.ld(), 0f, s, rows);
            causalSoftmax(rows, window);
            blas.sgemm(false, false, rows, headDim, rows, 1f, s, rows, v.head(g, headDim), v.ld(), 0f,
                    o.asSlice(4L * h * headDim), heads * headDim);
        }
    }

    private void causalSoftmax(int rows, int window) {
        float[] sc = scores;
        Rows.each(rows, rows, i -> {
            int o = i * rows;
            int lo = window > 0 ? Math.max(0, i - window + 1) : 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = lo; j <= i; j++) {
                max = Math.max(max, sc[o + j]);
            }
            double sum = 0;
            for (int j = lo; j <= i; j++) {
                float e = (float) Math.exp(sc[o + j] - max);
                sc[o + j] = e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int j = lo; j <= i; j++) {
                sc[o + j] *= inv;
            }
            java.util.Arrays.fill(sc, o, o + lo, 0f);
            java.util.Arrays.fill(sc, o + i + 1, o + rows, 0f);
        });
    }
}
