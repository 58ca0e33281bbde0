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
        return Arrays.copyOfRange(h.apply(embed(v)), from, to);
    }

    @Override
    public java.util.List<double[]> applyAll(java.util.List<double[]> vs) {
        return h.applyAll(vs.stream().map(this::embed).toList()).stream().map(hv -> Arrays.copyOfRange(hv, from, to)).toList();
    }

    @Override
    public int batch() {
        return h.batch();
    }

    private double[] embed(double[] v) {
        double[] full = new double[h.dimension()];
        System.arraycopy(v, 0, full, from, v.length);
        return full;
    }
}
