package dev.loupe.core.data;

import java.util.Arrays;

/**
 * A dense C-order array read from a data file, widened to float. {@code integral} says whether the stored
 * type was an integer type (so the values can serve as class labels).
 */
public record NumericArray(long[] shape, float[] values, boolean integral) {
    /** Java arrays are int-indexed; files describing more elements than this are rejected before reading. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    public NumericArray {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Product of the dimensions, or -1 when it exceeds {@link #MAX_ELEMENTS} (or a dimension is negative). */
    static long elementsOrMinusOne(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0 || (d != 0 && n > MAX_ELEMENTS / d)) {
                return -1;
            }
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return "NumericArray" + Arrays.toString(shape) + (integral ? " integral" : "");
    }
}
