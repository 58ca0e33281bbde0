package dev.loupe.spectral.layers;

import dev.loupe.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Integer weights with one (scale, zero point) for the whole tensor or one per index along {@code axis}:
 * W = (q − zeroPoint)·scale (ONNX
 * DequantizeLinear semantics, which MatMulInteger + a Mul by the weight scale reproduce).
 *
 * @param scale     one scale, or one per index of {@code axis}
 * @param zeroPoint same length as {@code scale}; zeros when the graph gives none
 * @param axis      the per-axis dimension (ignored when per-tensor)
 * @param via       the graph pattern that defined it, e.g. "MatMulInteger" or "DequantizeLinear"
 */
public record AxisDequantization(float[] scale, float[] zeroPoint, int axis, String via) implements Dequantization {
    public AxisDequantization {
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
        if (scale.length != zeroPoint.length || scale.length == 0) {
            throw new IllegalArgumentException("scale/zero point lengths " + scale.length + "/" + zeroPoint.length);
        }
    }

    public boolean perTensor() {
        return scale.length == 1;
    }

    /** The dequantized values of a row-major tensor of {@code shape} holding {@code q}. Float arithmetic as ONNX. */
    public float[] apply(float[] q, long[] shape) {
        float[] out = new float[q.length];
        if (perTensor()) {
            for (int i = 0; i < q.length; i++) {
                out[i] = (q[i] - zeroPoint[0]) * scale[0];
            }
            return out;
        }
        long inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int len = scale.length;
        for (int i = 0; i < q.length; i++) {
            int k = (int) ((i / inner) % len);
            out[i] = (q[i] - zeroPoint[k]) * scale[k];
        }
        return out;
    }

    @Override
    public float[] decode(Tensor q) {
        return apply(q.toFloats(), q.shape());
    }

    @Override
    public String describe(String dtype) {
        String kind = perTensor() ? "per-tensor" : "per-axis (axis " + axis + ", " + scale.length + " scales)";
        boolean zp = Arrays.equals(zeroPoint, new float[zeroPoint.length]);
        return "dequantized " + dtype + " weights via " + via + ": W = (q − zp)·scale, " + kind
                + (zp ? ", zero point 0" : "");
    }
}
