package dev.loupe.compress.write;

import dev.loupe.compress.quantize.QuantizedMatrix;

/**
 * Loupe's quantized safetensors layout ("loupe-rtn-v1"). A quantized weight {@code W} of [out, in]
 * (the transpose of the stored tensor for ONNX-style [in, out] weights) becomes:
 * <pre>
 *   W.qweight  U8 [out, ceil(in / per)]   unsigned codes u, row-major; per = 2 codes per byte (low nibble
 *                                         first) when bits ≤ 4, else 1 per byte
 *   W.scales   F32 [out, groups]          one scale per group of group_size consecutive input channels
 *   W.zeros    U8  [out, groups]          zero point z: W ≈ (u − z)·scale
 *   W.outlier_index I32 [k], W.outlier_value F32 [k]   (only with dense-and-sparse) flat [out, in]
 *                                         indices whose value is kept exactly
 *   W.lowrank_a F32 [out, r], W.lowrank_b F32 [r, in]  (only with low-rank compensation) W += A·B
 * </pre>
 * {@code __metadata__} holds {@code loupe.quant.format = loupe-rtn-v1} and, per weight,
 * {@code loupe.quant.W = bits=4;group_size=128;symmetric=true;shape=768x3072;transposed=false}, where
 * shape is the original stored shape and transposed says the codes are the transpose of it.
 * Symmetric codes q ∈ [−(2^(b−1)−1), 2^(b−1)−1] are stored as u = q + 2^(b−1) with z = 2^(b−1), so
 * one formula dequantizes both kinds. 2- and 3-bit codes use the 4-bit packing (no 3-bit packing yet).
 */
public final class QuantizedLayout {
    public static final String FORMAT_KEY = "loupe.quant.format";
    public static final String FORMAT = "loupe-rtn-v1";
    public static final String LAYER_KEY_PREFIX = "loupe.quant.";

    private QuantizedLayout() {
    }

    /** Codes per byte for {@code bits}. */
    public static int perByte(int bits) {
        return bits <= 4 ? 2 : 1;
    }

    /** The stored code offset: what is added to a signed symmetric code. */
    public static int offset(QuantizedMatrix q) {
        return q.spec().symmetric() ? 1 << (q.spec().bits() - 1) : 0;
    }

    /** Packs the unsigned codes of {@code q} row by row. */
    public static byte[] pack(QuantizedMatrix q) {
        int per = perByte(q.spec().bits());
        int rowBytes = (q.cols() + per - 1) / per;
        int off = offset(q);
        byte[] out = new byte[Math.multiplyExact(q.rows(), rowBytes)];
        for (int r = 0; r < q.rows(); r++) {
            for (int c = 0; c < q.cols(); c++) {
                int u = q.codes()[r * q.cols() + c] + off;
                int at = r * rowBytes + c / per;
                out[at] |= (byte) (per == 2 ? (u & 0xF) << (4 * (c % 2)) : u);
            }
        }
        return out;
    }

    /** Unpacks codes of a [rows, cols] matrix to unsigned ints. */
    public static int[] unpack(byte[] packed, int rows, int cols, int bits) {
        int per = perByte(bits);
        int rowBytes = (cols + per - 1) / per;
        if ((long) rows * rowBytes != packed.length) {
            throw new IllegalArgumentException(packed.length + " bytes for " + rows + "x" + cols + " at " + bits + " bits");
        }
        int[] out = new int[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int b = packed[r * rowBytes + c / per] & 0xFF;
                out[r * cols + c] = per == 2 ? (b >>> (4 * (c % 2))) & 0xF : b;
            }
        }
        return out;
    }
}
