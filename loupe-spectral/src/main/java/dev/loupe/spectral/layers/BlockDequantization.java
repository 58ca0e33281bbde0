package dev.loupe.spectral.layers;

import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.tensor.quant.OrtBlockQuant;

import java.lang.foreign.ValueLayout;

/**
 * Packed block-quantized codes of ONNX Runtime's {@code com.microsoft} operators ({@link OrtBlockQuant} holds the
 * layouts): {@code MatMulNBits} weights, read as W [N out, K in], and {@code GatherBlockQuantized} tables
 * [V, H]. The scale and zero-point tensors are kept as tensors and decoded with the codes, not at discovery
 * (a large model's block scales are a fair fraction of its weights).
 *
 * @param via        "MatMulNBits" or "GatherBlockQuantized"
 * @param rows       N (MatMulNBits) or V
 * @param cols       K (MatMulNBits) or H
 * @param bits       code width: 2, 4 or 8
 * @param block      codes per block along a row
 * @param scales     rows·ceil(cols/block) float scales
 * @param zeroPoints packed uint8 zero points, or null for the default 2^(bits−1)
 */
public record BlockDequantization(String via, int rows, int cols, int bits, int block, Tensor scales, Tensor zeroPoints)
        implements Dequantization {
    @Override
    public float[] decode(Tensor q) {
        byte[] codes = bytes(q);
        byte[] zp = zeroPoints == null ? null : bytes(zeroPoints);
        float[] s = scales.toFloats();
        return via.equals("MatMulNBits")
                ? OrtBlockQuant.matMulNBits(codes, s, zp, rows, cols, bits, block)
                : OrtBlockQuant.gatherBlockQuantized(codes, s, zp, rows, cols, bits, block);
    }

    @Override
    public String describe(String dtype) {
        String zp = zeroPoints == null ? "zero point " + OrtBlockQuant.defaultZeroPoint(bits) + " (the operator's default)"
                : "zero point per block";
        String axis = via.equals("MatMulNBits") ? "along K (in)" : "along each row";
        return "dequantized " + bits + "-bit codes via com.microsoft::" + via + ": W = (q − zp)·scale, blocks of "
                + block + " " + axis + ", " + zp;
    }

    /** The uint8 values of {@code t} (ONNX initializers are contiguous; a view is decoded value by value). */
    private static byte[] bytes(Tensor t) {
        if (t.isContiguous()) {
            return t.storedBytes().toArray(ValueLayout.JAVA_BYTE);
        }
        float[] v = t.toFloats();
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) (int) v[i];
        }
        return out;
    }
}
