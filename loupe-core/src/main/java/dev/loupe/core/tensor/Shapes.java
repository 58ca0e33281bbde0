package dev.loupe.core.tensor;

/** Small arithmetic on shapes, overflow-checked because shapes come from untrusted files. */
public final class Shapes {
    private Shapes() {
    }

    /** Product of the dims, or -1 if a dim is negative or the product overflows a long. */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            if (d != 0 && n > Long.MAX_VALUE / d) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    /** Row-major element strides for {@code shape}. */
    public static long[] rowMajorStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }
}
