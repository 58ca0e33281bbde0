package dev.loupe.landscape.hessian;

import java.util.Arrays;

/**
 * The diagonal block H_ii of a Hessian for the weights in [from, to): v_i ↦ (H·[0…v_i…0])_i, one full
 * Hessian-vector product per block product (the block's own rows and columns, the other weights held fixed).
 */
final class BlockHessian implements HessianVectorProduct {
    private final HessianVectorProduct h;
    private final int from, to;

    BlockHessian(HessianVectorProduct h, int from, int to) {
        if (from < 0 || to > h.dimension() || from >= to) {
            throw new IllegalArgumentException("block [" + from + ", " + to + ") outside 0.." + h.dimension());
        }
        this.h = h;
        this.from = from;
        this.to = to;
    }

    @Override
    public int dimension() {
        return to - from;
    }

    @Override
    public double[] apply(double[] v) {
        double[] full = new double[h.dimension()];
        System.arraycopy(v, 0, full, from, v.length);
        return Arrays.copyOfRange(h.apply(full), from, to);
    }
}
