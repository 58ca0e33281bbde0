package dev.loupe.compress.prune;

/**
 * Which entries of a row-major [out, in] matrix survive pruning. Entries whose bit is false become zero.
 *
 * @param keep  keep[i] for the flat row-major index i; not copied, owned by this mask
 * @param rows  output channels
 * @param cols  input channels
 */
public record Mask(boolean[] keep, int rows, int cols) {
    public Mask {
        if ((long) rows * cols != keep.length) {
            throw new IllegalArgumentException("mask of " + keep.length + " for " + rows + "x" + cols);
        }
    }

    /** Number of pruned (zeroed) entries. */
    public long pruned() {
        long n = 0;
        for (boolean k : keep) {
            if (!k) {
                n++;
            }
        }
        return n;
    }

    /** Fraction of entries pruned. */
    public double sparsity() {
        return keep.length == 0 ? 0 : (double) pruned() / keep.length;
    }

    /** A copy of {@code w} with pruned entries set to zero. {@code w} is not modified. */
    public float[] apply(float[] w) {
        if (w.length != keep.length) {
            throw new IllegalArgumentException("weights of " + w.length + " for a mask of " + keep.length);
        }
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = keep[i] ? w[i] : 0f;
        }
        return out;
    }
}
