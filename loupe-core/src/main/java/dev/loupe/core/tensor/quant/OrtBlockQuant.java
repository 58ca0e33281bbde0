package dev.loupe.core.tensor.quant;

/**
 * Decodes ONNX Runtime's block-quantized weights (contrib domain {@code com.microsoft}, ORT 1.23) to the floats
 * the operators compute with. Both operators store a matrix of {@code rows × cols} codes quantized in blocks of
 * {@code block} consecutive codes along each row, each block with a scale and a zero point:
 * <pre>
 *   MatMulNBits          B            U8 [N, k_blocks, block·bits/8]  W = rows N (out) × cols K (in), Y = A·Wᵀ;
 *                                                                    a row is k_blocks whole blobs: the codes
 *                                                                    past K are padding
 *   GatherBlockQuantized data         U8 [V, H·bits/8]               a row is H codes, no padding between blocks
 *   both                 scales       [rows·k_blocks]   (flat or [rows, k_blocks])
 *                        zero_points  U8 [rows, ceil(k_blocks·bits/8)]  packed like the codes, one row per row;
 *                                     absent means 2^(bits−1) (8 at 4 bits, 128 at 8 bits)
 *   W[r, c] = (code(r, c) − zero_point(r, c / block)) · scale(r, c / block)
 * </pre>
 * Codes narrower than a byte are packed low bits first: at 4 bits byte i holds code 2i in bits 0..3 and code
 * 2i+1 in bits 4..7. Written by hand: no Java library reads these layouts.
 */
public final class OrtBlockQuant {
    private OrtBlockQuant() {
    }

    /** The zero point the operators assume when none is given: the middle of the unsigned code range. */
    public static int defaultZeroPoint(int bits) {
        return 1 << (bits - 1);
    }

    /** Blocks per row of {@code cols} codes. */
    public static int blocks(int cols, int block) {
        return (cols + block - 1) / block;
    }

    /** Bytes per row of packed zero points for {@code blocks} blocks of {@code bits}-wide codes. */
    public static int zeroPointRowBytes(int blocks, int bits) {
        return (blocks * bits + 7) / 8;
    }

    /**
     * The [N, K] matrix of a MatMulNBits weight.
     *
     * @param b          packed codes, N·k_blocks·block·bits/8 bytes. Not modified.
     * @param scales     N·k_blocks scales, row-major. Not modified.
     * @param zeroPoints packed zero points (N·{@link #zeroPointRowBytes} bytes), or null for the default
     */
    public static float[] matMulNBits(byte[] b, float[] scales, byte[] zeroPoints, int n, int k, int bits, int block) {
        int kBlocks = blocks(k, block);
        return decode(b, (long) kBlocks * block, scales, zeroPoints, n, k, bits, block);
    }

    /**
     * The [V, H] table of a GatherBlockQuantized lookup table quantized along its last axis.
     *
     * @param data       packed codes, V·H·bits/8 bytes. Not modified.
     * @param scales     V·ceil(H/block) scales, row-major. Not modified.
     * @param zeroPoints packed zero points (V·{@link #zeroPointRowBytes} bytes), or null for the default
     */
    public static float[] gatherBlockQuantized(byte[] data, float[] scales, byte[] zeroPoints, int rows, int cols,
                                               int bits, int block) {
        return decode(data, cols, scales, zeroPoints, rows, cols, bits, block);
    }

    /** The {@code index}-th {@code bits}-wide unsigned code of {@code packed} (bits 2, 4 or 8; low bits first). */
    public static int code(byte[] packed, long index, int bits) {
        long bit = index * bits;
        return (packed[(int) (bit >>> 3)] >>> (bit & 7)) & ((1 << bits) - 1);
    }

    /**
     * Dequantizes {@code rows × cols} codes stored {@code rowCodes} codes apart (≥ cols: the rest is padding).
     * (code − zero point) is an exact integer; one float product per element, as the operators' reference code.
     */
    private static float[] decode(byte[] packed, long rowCodes, float[] scales, byte[] zeroPoints, int rows, int cols,
                                  int bits, int block) {
        if (bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("bits " + bits + " (2, 4 or 8 expected)");
        }
        if (block <= 0 || rows < 0 || cols <= 0) {
            throw new IllegalArgumentException("block " + block + ", rows " + rows + ", cols " + cols);
        }
        int kBlocks = blocks(cols, block);
        int zpRow = zeroPointRowBytes(kBlocks, bits);
        checkLength("codes", packed.length, rows * rowCodes * bits / 8);
        checkLength("scales", scales.length, (long) rows * kBlocks);
        if (zeroPoints != null) {
            checkLength("zero points", zeroPoints.length, (long) rows * zpRow);
        }
        float[] out = new float[Math.multiplyExact(rows, cols)];
        int zero = defaultZeroPoint(bits);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < kBlocks; j++) {
                float scale = scales[r * kBlocks + j];
                int zp = zeroPoints == null ? zero : code(zeroPoints, (long) r * zpRow * 8 / bits + j, bits);
                int end = Math.min(cols, (j + 1) * block);
                for (int c = j * block; c < end; c++) {
                    out[r * cols + c] = (code(packed, r * rowCodes + c, bits) - zp) * scale;
                }
            }
        }
        return out;
    }

    private static void checkLength(String what, long actual, long expected) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + ": " + actual + " entries, the layout needs " + expected);
        }
    }
}
