package dev.loupe.linalg.sketch;

import java.util.List;
import java.util.SplittableRandom;

/** The few dense-vector operations the matrix-free eigen-solvers and trace estimators need, in double. */
public final class Vectors {
    private Vectors() {
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    public static void scale(double[] a, double s) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= s;
        }
    }

    /** a −= s·b */
    public static void subtract(double[] a, double s, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] -= s * b[i];
        }
    }

    public static void normalize(double[] a) {
        double n = norm(a);
        if (n > 0) {
            scale(a, 1 / n);
        }
    }

    /** Gram–Schmidt against an orthonormal set (twice, for stability: Giraud et al. 2005), then normalized. */
    public static void orthonormalize(double[] v, List<double[]> basis) {
        for (int pass = 0; pass < 2; pass++) {
            for (double[] u : basis) {
                subtract(v, dot(v, u), u);
            }
        }
        normalize(v);
    }

    public static double[] gaussian(int n, SplittableRandom r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    public static double[] rademacher(int n, SplittableRandom r) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextBoolean() ? 1 : -1;
        }
        return v;
    }
}
