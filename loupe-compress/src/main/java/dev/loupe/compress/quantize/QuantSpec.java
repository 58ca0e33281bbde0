package dev.loupe.compress.quantize;

/**
 * How to round a weight matrix to integers.
 *
 * @param bits      2..8
 * @param symmetric symmetric codes in [-(2^(b-1)-1), 2^(b-1)-1] with zero point 0 (restricted range, so
 *                  +x and -x round alike); else asymmetric codes in [0, 2^b-1] with a per-group zero point
 * @param groupSize input channels sharing one scale; {@link #PER_CHANNEL} (0) means one scale per output
 *                  channel, {@link #PER_TENSOR} (−1) one scale for the whole matrix
 * @param ggmlGrid  the grid of ggml's symmetric 32-element blocks, so that a GGUF stores exactly the values the quantizer
 *                  chose: the scale is a float16 value and, at 4 and 5 bits, Q4_0/Q5_0's full signed range (codes
 *                  −2^(b−1) .. 2^(b−1) − 1, scale = the group's value of largest magnitude / −2^(b−1), which may be
 *                  negative, as {@code quantize_row_q4_0_ref}); at other widths the restricted range above (Q8_0's
 *                  d = max|w|/127)
 */
public record QuantSpec(int bits, boolean symmetric, int groupSize, boolean ggmlGrid) {
    public static final int PER_CHANNEL = 0;
    public static final int PER_TENSOR = -1;

    /** Scales in float32. */
    public QuantSpec(int bits, boolean symmetric, int groupSize) {
        this(bits, symmetric, groupSize, false);
    }

    public QuantSpec {
        if (bits < 2 || bits > 8) {
            throw new IllegalArgumentException("bits must be 2..8, got " + bits);
        }
        if (groupSize < PER_TENSOR) {
            throw new IllegalArgumentException("group size must be >= 0 (or -1: per tensor), got " + groupSize);
        }
    }

    /** Smallest stored code. */
    public int qmin() {
        return symmetric ? -qmaxSymmetric() - (fullRange() ? 1 : 0) : 0;
    }

    /** Whether the symmetric codes use the extra negative level (ggml's Q4_0/Q5_0 grid). */
    public boolean fullRange() {
        return ggmlGrid && symmetric && (bits == 4 || bits == 5);
    }

    /** Largest stored code. */
    public int qmax() {
        return symmetric ? qmaxSymmetric() : (1 << bits) - 1;
    }

    private int qmaxSymmetric() {
        return (1 << (bits - 1)) - 1;
    }

    public boolean perTensor() {
        return groupSize == PER_TENSOR;
    }

    /** The group length within a row for a matrix with {@code cols} input channels. */
    public int groupLength(int cols) {
        return groupSize <= 0 ? cols : Math.min(groupSize, cols);
    }
}
