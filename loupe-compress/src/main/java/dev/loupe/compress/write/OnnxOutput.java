package dev.loupe.compress.write;

import dev.loupe.compress.layers.Layer;
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
 * of the stored weight). We never raise a model's opset (that changes the meaning of other ops), so a
 * per-channel spec on an older model is refused; blocked (group-wise) and 4-bit DequantizeLinear need
 * opset 21 and are refused as well: codes of 2..7 bits are stored in 8-bit containers, which keeps their
 * accuracy but not their size. Dense-and-sparse outliers have no ONNX form here.
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
                case LayerEdit.Quantized q -> quantized(w, source, opset, l, q.q());
            }
        }
        w.write(target);
    }

    private static void quantized(OnnxWriter w, Path source, long opset, Layer l, QuantizedMatrix q) {
        if (q.outlier() != null) {
            throw new LoupeException(source, "dense-and-sparse outliers cannot be written to ONNX; use safetensors");
        }
        boolean perTensor = q.spec().perTensor();
        if (!perTensor && q.spec().groupSize() != 0) {
            throw new LoupeException(source, "group-wise DequantizeLinear needs opset 21; use per-channel or per-tensor");
        }
        if (!perTensor && opset < PER_AXIS_OPSET) {
            throw new LoupeException(source, "per-channel DequantizeLinear needs ai.onnx opset 13, the model imports "
                    + opset + " (raising it would change other ops); use per-tensor");
        }
        String name = l.name();
        int[] codes = l.storedInOut() ? transposeCodes(q.codes(), q.rows(), q.cols()) : q.codes();
        DType type = q.spec().symmetric() ? DType.I8 : DType.U8;
        long[] pShape = perTensor ? new long[0] : new long[] {q.rows()};
        w.remove(name);
        w.add(name + "_quantized", type, l.tensor().shape(), Encode.bytes(codes));
        w.add(name + "_scale", DType.F32, pShape, Encode.floats(q.scales(), DType.F32));
        w.add(name + "_zero_point", type, pShape, Encode.bytes(q.zeros()));
        Map<String, Object> attrs = perTensor ? Map.of() : Map.of("axis", l.storedInOut() ? 1L : 0L);
        w.addNode(new Node(name + "_DequantizeLinear", "DequantizeLinear", "",
                List.of(name + "_quantized", name + "_scale", name + "_zero_point"), List.of(name), attrs));
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
