package dev.loupe.landscape.grad;

import dev.loupe.core.graph.Node;

import java.util.Arrays;

/** Arithmetic on static shapes (−1 = unknown dimension) shared by {@link StaticShapes} and the tangent rules. */
final class ShapeMath {
    private ShapeMath() {
    }

    /** Numpy broadcasting of two known-rank shapes; an unknown dim against d > 1 is d. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] y = new long[r];
        for (int i = 0; i < r; i++) {
            long p = i < r - a.length ? 1 : a[i - (r - a.length)];
            long q = i < r - b.length ? 1 : b[i - (r - b.length)];
            y[i] = p == 1 ? q : q == 1 ? p : p == q ? p : p < 0 ? q : q < 0 ? p : -1;
        }
        return y;
    }

    /** A Transpose's permutation: its {@code perm} attribute, or the reversed axes that ONNX defines as the default. */
    static long[] perm(Node n, int rank) {
        if (n.attributes().get("perm") instanceof long[] p) {
            return p;
        }
        long[] p = new long[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = rank - 1 - i;
        }
        return p;
    }

    /** The product of {@code d[from..to)}, or −1 when any of them is unknown. */
    static long product(long[] d, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (d[i] < 0) {
                return -1;
            }
            p *= d[i];
        }
        return p;
    }

    /** A shape of {@code rank} unknown dimensions (−1 each). */
    static long[] unknown(int rank) {
        long[] d = new long[rank];
        Arrays.fill(d, -1);
        return d;
    }
}
