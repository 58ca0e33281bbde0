package dev.loupe.compress.write;

import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.LowRankCompensation;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.LoupeException;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a compressed copy of an ONNX model. Pruned weights replace their initializers. Quantized weights
 * become an 8-bit initializer {@code W_quantized} plus {@code W_scale} and {@code W_zero_point}, and a
 * {@code DequantizeLinear} node whose output is named {@code W}, so every reader of the weight is unchanged
 * and ONNX Runtime runs it (weight-only quantization: the matmuls stay fp32; the file is ~4x smaller).
 *
 * <p>DequantizeLinear is per-tensor up to ai.onnx opset 12 and per-axis from 13 (axis = the output axis
 * of the stored weight). We never raise a model's opset (that changes the meaning of other ops), so on an
 * older model a per-channel weight is dequantized by {@code Cast} to float, {@code Sub} of the zero point
 * (asymmetric only) and {@code Mul} by a broadcast scale vector: the same arithmetic from opset-6 ops.
 * Blocked (group-wise) and 4-bit DequantizeLinear need opset 21 and are refused: codes of 2..7 bits are
 * stored in 8-bit containers, which keeps their accuracy but not their size. Dense-and-sparse outliers
 * have no ONNX form here.
 */
public final class OnnxOutput {
    /** The first ai.onnx opset whose DequantizeLinear takes an axis. */
    public static final long PER_AXIS_OPSET = 13;

    private OnnxOutput() {
    }

    /** Writes {@code source} with {@code edits} applied to {@code target}. */
    public static void write(Path source, long opset, List<LayerEdit> edits, Path target) {
        OnnxWriter w = OnnxWriter.edit(source);
        for (LayerEdit e : edits) {
            Layer l = e.layer();
            switch (e) {
                case LayerEdit.Dense d -> w.replace(l.name(), l.tensor().dtype(), l.tensor().shape(),
                        Encode.floats(l.toStored(d.outIn()), l.tensor().dtype()));
                case LayerEdit.Quantized q -> quantized(w, source, opset, l, q.q(), q.lowRank());
            }
        }
        w.write(target);
    }

    private static void quantized(OnnxWriter w, Path source, long opset, Layer l, QuantizedMatrix q,
                                  LowRankCompensation.Factors lowRank) {
        if (lowRank != null) {
            throw new LoupeException(source, "low-rank compensation has no ONNX form here; write safetensors");
        }
        if (q.outlier() != null) {
            throw new LoupeException(source, "dense-and-sparse outliers cannot be written to ONNX; use safetensors");
        }
        boolean perTensor = q.spec().perTensor();
        if (!perTensor && q.spec().groupSize() != 0) {
            throw new LoupeException(source, "group-wise DequantizeLinear needs opset 21; use per-channel or per-tensor");
        }
        String name = l.name();
        int[] codes = l.storedInOut() ? transposeCodes(q.codes(), q.rows(), q.cols()) : q.codes();
        DType type = q.spec().symmetric() ? DType.I8 : DType.U8;
        w.remove(name);
        w.add(name + "_quantized", type, l.tensor().shape(), Encode.bytes(codes));
        if (perTensor || opset >= PER_AXIS_OPSET) {
            long[] pShape = perTensor ? new long[0] : new long[] {q.rows()};
            w.add(name + "_scale", DType.F32, pShape, Encode.floats(q.scales(), DType.F32));
            w.add(name + "_zero_point", type, pShape, Encode.bytes(q.zeros()));
            Map<String, Object> attrs = perTensor ? Map.of() : Map.of("axis", l.storedInOut() ? 1L : 0L);
            w.addNode(new Node(name + "_DequantizeLinear", "DequantizeLinear", "",
                    List.of(name + "_quantized", name + "_scale", name + "_zero_point"), List.of(name), attrs));
            return;
        }
        // [in, out]: a [out] vector broadcasts along the last axis; [out, in, ...]: [out, 1, ...] along the first
        long[] vShape = new long[l.tensor().rank()];
        java.util.Arrays.fill(vShape, 1);
        vShape[l.storedInOut() ? vShape.length - 1 : 0] = q.rows();
        if (l.storedInOut()) {
            vShape = new long[] {q.rows()};
        }
        w.add(name + "_scale", DType.F32, vShape, Encode.floats(q.scales(), DType.F32));
        w.addNode(new Node(name + "_Cast", "Cast", "", List.of(name + "_quantized"), List.of(name + "_float"),
                Map.of("to", 1L))); // TensorProto.FLOAT
        String centered = name + "_float";
        if (!q.spec().symmetric()) {
            float[] z = new float[q.zeros().length];
            for (int i = 0; i < z.length; i++) {
                z[i] = q.zeros()[i];
            }
            w.add(name + "_zero_point", DType.F32, vShape, Encode.floats(z, DType.F32));
            w.addNode(new Node(name + "_Sub", "Sub", "", List.of(centered, name + "_zero_point"), List.of(name + "_centered"),
                    Map.of()));
            centered = name + "_centered";
        }
        w.addNode(new Node(name + "_Mul", "Mul", "", List.of(centered, name + "_scale"), List.of(name), Map.of()));
    }

    private static int[] transposeCodes(int[] a, int r, int c) {
        int[] t = new int[a.length];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                t[j * r + i] = a[i * c + j];
            }
        }
        return t;
    }
}
