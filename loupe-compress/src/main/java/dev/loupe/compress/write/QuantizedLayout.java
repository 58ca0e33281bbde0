package dev.loupe.compress.write;

import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.format.safetensors.LoupeQuantized;

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
 * Reading it back (dequantization, for every reader) is loupe-core's {@code LoupeQuantized}.
 */
public final class QuantizedLayout {
    public static final String FORMAT_KEY = LoupeQuantized.FORMAT_KEY;
    public static final String FORMAT = LoupeQuantized.FORMAT;
    public static final String LAYER_KEY_PREFIX = LoupeQuantized.LAYER_KEY_PREFIX;

    private QuantizedLayout() {
    }

    /** Codes per byte for {@code bits}. */
    public static int perByte(int bits) {
        return LoupeQuantized.perByte(bits);
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
}
