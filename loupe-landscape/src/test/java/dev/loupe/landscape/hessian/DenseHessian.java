package dev.loupe.landscape.hessian;

import dev.loupe.linalg.sketch.Vectors;

/** A dense symmetric matrix as Hessian-vector products, for tests against its exact spectrum. */
final class DenseHessian implements HessianVectorProduct {
    private final double[][] a;

    DenseHessian(double[][] a) {
        this.a = a;
    }

    @Override
    public int dimension() {
        return a.length;
    }

    @Override
    public double[] apply(double[] v) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = Vectors.dot(a[i], v);
        }
        return y;
    }
}
