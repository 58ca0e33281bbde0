package dev.loupe.compress.quantize;

import dev.loupe.compress.prune.Pruners;

import java.util.Arrays;

/**
 * Dense-and-sparse decomposition (SqueezeLLM, Kim et al. 2023, arXiv 2306.07629): the largest p% of |w|
 * stay in full precision as a sparse part, so they no longer stretch the quantization ranges of the rest.
 */
public final class Outliers {
    private Outliers() {
    }

    /** Marks the round(fraction·n) entries of largest |w| (ties: the higher index counts as larger). */
    public static boolean[] largest(float[] w, double fraction) {
        long k = Pruners.prunedCount(fraction, w.length);
        // packed (|w| bits, index) keys: a primitive sort whose order is |w| then index, exactly
        long[] keys = new long[w.length];
        for (int i = 0; i < w.length; i++) {
            keys[i] = ((long) Float.floatToIntBits(Math.abs(w[i])) << 32) | i;
        }
        Arrays.sort(keys);
        boolean[] out = new boolean[w.length];
        for (int j = 0; j < k; j++) {
            out[(int) (keys[keys.length - 1 - j] & 0xffffffffL)] = true;
        }
        return out;
    }

    /** RTN with the top {@code fraction} of |w| kept exactly. */
    public static QuantizedMatrix quantize(float[] w, int rows, int cols, QuantSpec spec, double fraction) {
        return RoundToNearest.quantize(w, rows, cols, spec, largest(w, fraction));
    }
}
