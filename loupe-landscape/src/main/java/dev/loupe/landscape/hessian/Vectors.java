package dev.loupe.landscape.hessian;

import java.util.List;
import java.util.SplittableRandom;

/** The few dense-vector operations the eigen-solvers need, in double. */
final class Vectors {
    private Vectors() {
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static void scale(double[] a, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
    }

    /** a −= s·b */
    static void subtract(double[] a, double s, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] -= s * b[i];
        }
    }

    static void normalize(double[] a) {
        double n = norm(a);
        if (n > 0) {
            scale(a, 1 / n);
        }
    }

    /** Gram–Schmidt against an orthonormal set (twice, for stability), then normalized. */
    static void orthonormalize(double[] v, List<double[]> basis) {
        for (int pass = 0; pass < 2; pass++) {
            for (double[] u : basis) {
                subtract(v, dot(v, u), u);
            }
        }
        normalize(v);
    }

    static double[] gaussian(int n, SplittableRandom r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    static double[] rademacher(int n, SplittableRandom r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextBoolean() ? 1 : -1;
        }
        return v;
    }
}
