package dev.loupe.diff.activations;

import dev.loupe.linalg.Backends;
import dev.loupe.linalg.DenseBackend;
import dev.loupe.linalg.EjmlBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Linear CKA's defining invariances and a hand-worked value, on both Gram paths (p ≥ n native, p &lt; n loop). */
class TestLinearCka {
    private static final DenseBackend BACKEND = Backends.best();

    @Test
    void invariantToOrthogonalTransformsAndIsotropicScaling() {
        for (int[] np : new int[][]{{20, 6}, {8, 30}}) { // p < n and p ≥ n
            int n = np[0];
            int p = np[1];
            float[] x = gaussian(n * p, 1);
            // Q: a product of Givens rotations, exactly orthogonal up to rounding
            double[] q = identity(p);
            Random r = new Random(2);
            for (int k = 0; k < 3 * p; k++) {
                rotate(q, p, r.nextInt(p), r.nextInt(p), r.nextDouble() * 2 * Math.PI);
            }
            float[] xq = new float[n * p];
            float[] scaled = new float[n * p];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < p; j++) {
                    double s = 0;
                    for (int k = 0; k < p; k++) {
                        s += x[i * p + k] * q[k * p + j];
                    }
                    xq[i * p + j] = (float) s;
                    scaled[i * p + j] = 3.5f * x[i * p + j];
                }
            }
            assertEquals(1.0, LinearCka.of(BACKEND, x, p, x, p, n), 1e-12, "CKA(X, X)");
            assertEquals(1.0, LinearCka.of(BACKEND, x, p, xq, p, n), 1e-6, "CKA(X, XQ), float32 XQ");
            assertEquals(1.0, LinearCka.of(BACKEND, x, p, scaled, p, n), 1e-12, "CKA(X, 3.5 X)");
            float[] y = gaussian(n * 3, 5);
            double c = LinearCka.of(BACKEND, x, p, y, 3, n);
            assertEquals(c, LinearCka.of(BACKEND, xq, p, y, 3, n), 1e-6, "CKA(XQ, Y) = CKA(X, Y)");
            assertEquals(c, LinearCka.of(new EjmlBackend(), x, p, y, 3, n), 1e-12, "same on the pure-Java backend");
        }
    }

    @Test
    void handWorkedValue() {
        // n = 3 examples, X = [0, 1, 2]ᵀ (one feature), Y = [0, 1, 5]ᵀ: centred x = (-1, 0, 1), y = (-2, -1, 3);
        // ‖yᵀx‖² = 5² = 25, ‖xᵀx‖ = 2, ‖yᵀy‖ = 14: CKA = 25 / 28
        assertEquals(25.0 / 28, LinearCka.of(BACKEND, new float[]{0, 1, 2}, 1, new float[]{0, 1, 5}, 1, 3), 1e-15);
    }

    private static float[] gaussian(int len, long seed) {
        Random r = new Random(seed);
        float[] a = new float[len];
        for (int i = 0; i < len; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static double[] identity(int p) {
        double[] q = new double[p * p];
        for (int i = 0; i < p; i++) {
            q[i * p + i] = 1;
        }
        return q;
    }

    private static void rotate(double[] q, int p, int a, int b, double t) {
        if (a == b) {
            return;
        }
        double c = Math.cos(t);
        double s = Math.sin(t);
        for (int i = 0; i < p; i++) {
            double u = q[i * p + a];
            double v = q[i * p + b];
            q[i * p + a] = c * u - s * v;
            q[i * p + b] = s * u + c * v;
        }
    }
}
