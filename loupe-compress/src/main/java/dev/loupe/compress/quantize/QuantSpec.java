package dev.loupe.compress.quantize;

/**
 * How to round a weight matrix to integers.
 *
 * @param bits      2..8
 * @param symmetric symmetric codes in [-(2^(b-1)-1), 2^(b-1)-1] with zero point 0 (restricted range, so
 *                  +x and -x round alike); else asymmetric codes in [0, 2^b-1] with a per-group zero point
 * @param groupSize input channels sharing one scale; 0 means one scale per output channel (per-channel)
 */
public record QuantSpec(int bits, boolean symmetric, int groupSize) {
    public QuantSpec {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        }
        if (groupSize < 0) {
            throw new IllegalArgumentException("group size must be >= 0, got " + groupSize);
        }
    }

    /** Smallest stored code. */
    public int qmin() {
        return symmetric ? -qmaxSymmetric() : 0;
    }

    /** Largest stored code. */
    public int qmax() {
        return symmetric ? qmaxSymmetric() : (1 << bits) - 1;
    }

    private int qmaxSymmetric() {
        return (1 << (bits - 1)) - 1;
    }

    /** The group length for a matrix with {@code cols} input channels. */
    public int groupLength(int cols) {
        return groupSize == 0 ? cols : Math.min(groupSize, cols);
    }
}
