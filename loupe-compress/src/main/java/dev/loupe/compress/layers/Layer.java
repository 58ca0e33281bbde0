package dev.loupe.compress.layers;

import dev.loupe.core.LoupeException;
import dev.loupe.core.tensor.Tensor;

/**
 * A weight the compressor works on, seen as an [out, in] matrix (rows = output channels, cols = input
 * channels; a conv kernel [out, in, kh, kw] is [out, in·kh·kw]). ONNX MatMul and Gemm with transB=0 store
 * [in, out]; {@code storedInOut} says so and the kernels get the transpose.
 *
 * @param tensor      the stored weight
 * @param rows        output channels
 * @param cols        input channels (times the kernel window for convs)
 * @param storedInOut whether the stored layout is [in, out]
 * @param consumer    the ONNX operator type that reads it, or "" for formats without a graph
 * @param node        the name of that ONNX node (more telling than "onnx::MatMul_787"), or ""
 */
public record Layer(Tensor tensor, int rows, int cols, boolean storedInOut, String consumer, String node) {
    public String name() {
        return tensor.name();
    }

    public long params() {
        return (long) rows * cols;
    }

    /**
     * The weight as a row-major [out, in] float matrix (a fresh array). NaN or Inf weights are the user's
     * problem, not ours to round: a scale or ranking built from them would silently produce a broken model.
     */
    public float[] outIn() {
        float[] stored = tensor.toFloats();
        for (int i = 0; i < stored.length; i++) {
            if (!Float.isFinite(stored[i])) {
                throw new LoupeException(tensor.file(), "tensor '" + name() + "' holds " + stored[i]
                        + " at element " + i + "; NaN/Inf weights cannot be compressed");
            }
        }
        return storedInOut ? transpose(stored, cols, rows) : stored;
    }

    /** An [out, in] matrix back in the stored layout (a fresh array unless no transpose is needed). */
    public float[] toStored(float[] outIn) {
        return storedInOut ? transpose(outIn, rows, cols) : outIn;
    }

    /** Transpose of a row-major [r, c] matrix. */
    public static float[] transpose(float[] a, int r, int c) {
        float[] t = new float[a.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = a[i * c + j];
            }
        }
        return t;
    }
}
