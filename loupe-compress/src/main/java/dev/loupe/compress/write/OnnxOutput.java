package dev.loupe.compress.write;

import dev.loupe.core.tensor.Encode;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.core.LoupeException;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Checkpoints;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.runtime.session.OrtSessions;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a compressed copy of an ONNX model. Pruned weights replace their initializers. A quantized weight
 * read by MatMul (or a plain Gemm) takes the {@link NBitsRewrite} form when {@link #usesNBits} says so:
 * codes of up to 4 bits packed two to a byte under {@code com.microsoft::MatMulNBits}, and group-wise codes
 * of any width; a 2..4-bit lookup table read by Gather likewise becomes {@code GatherBlockQuantized}
 * ({@link GatherNBitsRewrite}). Every other quantized weight becomes an 8-bit initializer {@code W_quantized} plus
 * {@code W_scale} and {@code W_zero_point}, and a {@code DequantizeLinear} node whose output is named
 * {@code W}, so every reader of the weight is unchanged
 * and ONNX Runtime runs it (weight-only quantization: the matmuls stay fp32; the file is ~4x smaller).
 *
 * <p>DequantizeLinear is per-tensor up to ai.onnx opset 12 and per-axis from 13 (axis = the output axis
 * of the stored weight). We never raise a model's opset (that changes the meaning of other ops), so on an
 * older model a per-channel weight is dequantized by {@code Cast} to float, {@code Sub} of the zero point
 * (asymmetric only) and {@code Mul} by a broadcast scale vector: the same arithmetic from opset-6 ops.
 * Blocked (group-wise) and 4-bit DequantizeLinear need opset 21 and are refused: on this path codes of
 * 2..7 bits are stored in 8-bit containers, which keeps their accuracy but not their size. Low-rank error
 * compensation is written only next to MatMulNBits (two small MatMuls and an Add per reader, see
 * {@link NBitsRewrite}). Dense-and-sparse outliers have no ONNX form here.
 */
public final class OnnxOutput {
    /** The first ai.onnx opset whose DequantizeLinear takes an axis. */
    public static final long PER_AXIS_OPSET = 13;

    private OnnxOutput() {
    }

    /** Writes {@code source} with {@code edits} applied to {@code target}. */
    public static void write(Path source, long opset, List<LayerEdit> edits, Path target) {
        OnnxWriter w = OnnxWriter.edit(source);
        try (Checkpoint cp = Checkpoints.open(source)) {
            Names names = new Names(cp.graph().orElseThrow(() -> new LoupeException(source, "has no graph to rewrite")));
            for (LayerEdit e : edits) {
                Layer l = e.layer();
                switch (e) {
                    case LayerEdit.Dense d -> w.replace(l.name(), l.tensor().dtype(), l.tensor().shape(),
                            Encode.floats(l.toStored(d.outIn()), l.tensor().dtype()));
                    case LayerEdit.Quantized q when q.lowRank() != null && q.q().outlier() == null -> {
                        requireLowRankForm(cp, l, q.q().spec());
                        NBitsRewrite.write(w, cp.graph().orElseThrow(), names, l, q.q(), q.lowRank());
                    }
                    case LayerEdit.Quantized q when usesNBits(cp, l, q.q().spec()) && q.q().outlier() == null -> {
                        if (isLookup(l)) {
                            GatherNBitsRewrite.write(w, cp.graph().orElseThrow(), names, l, q.q());
                        } else {
                            NBitsRewrite.write(w, cp.graph().orElseThrow(), names, l, q.q(), null);
                        }
                    }
                    case LayerEdit.Quantized q -> quantized(w, names, source, opset, l, q.q());
                }
            }
        }
        // the last check before the rename: a graph ONNX Runtime would refuse is never published
        w.write(target, written -> OrtSessions.validate(written, target));
    }

    /**
     * Whether quantized {@code l} is written packed, as MatMulNBits (or, for a lookup table, GatherBlockQuantized):
     * when its readers allow it ({@link NBitsRewrite#fits}, {@link GatherNBitsRewrite#fits}) and it gains something
     * there, i.e. codes of at most 4 bits (half the bytes of int8) or group-wise scales (which DequantizeLinear
     * below opset 21 cannot express). 5..8-bit per-channel and per-tensor weights keep DequantizeLinear, which is
     * as small and needs no contrib operator.
     */
    public static boolean usesNBits(Checkpoint cp, Layer l, QuantSpec spec) {
        boolean groupWise = !spec.perTensor() && spec.groupLength(l.cols()) < l.cols();
        if (isLookup(l)) {
            return GatherNBitsRewrite.fits(cp, l, spec); // 4-bit only: 5..8-bit tables stay on DequantizeLinear
        }
        return (spec.bits() <= 4 || groupWise) && NBitsRewrite.fits(cp, l, spec);
    }

    /** A lookup table (embedding), written as GatherBlockQuantized rather than MatMulNBits. */
    private static boolean isLookup(Layer l) {
        return l.consumer().equals("Gather");
    }

    /** Refuses a group-wise {@code spec} for a layer that cannot be written as MatMulNBits. */
    public static void requireForm(Checkpoint cp, Layer l, QuantSpec spec) {
        if (!spec.perTensor() && spec.groupLength(l.cols()) < l.cols() && !usesNBits(cp, l, spec)) {
            throw groupWise(cp.source(), l);
        }
    }

    /** Low-rank compensation has an ONNX form only next to MatMulNBits: refuse a layer that cannot take it. */
    public static void requireLowRankForm(Checkpoint cp, Layer l, QuantSpec spec) {
        if (!NBitsRewrite.fits(cp, l, spec)) {
            throw new LoupeException(cp.source(), "'" + l.name() + "' (read by " + l.consumer() + "): --lowrank in ONNX "
                    + "needs the MatMulNBits form, which takes fp32 MatMul/Gemm weights (groups: multiples of 16); "
                    + "--skip it or compress to safetensors");
        }
    }

    private static LoupeException groupWise(Path source, Layer l) {
        return new LoupeException(source, "'" + l.name() + "' (read by " + l.consumer() + "): group-wise scales need "
                + "com.microsoft MatMulNBits (fp32 MatMul/Gemm weights) or GatherBlockQuantized (fp32 Gather tables, "
                + "<= 4 bits), with groups that are multiples of 16 (DequantizeLinear would need opset 21); "
                + "use --group 0 or --skip it");
    }

    /**
     * Stored bytes of quantized {@code l} in the written file (codes, scales, zero points, and rank-{@code lowRank}
     * fp32 factors; names and nodes aside).
     */
    public static double storedBytes(Checkpoint cp, Layer l, QuantSpec spec, int lowRank) {
        if (lowRank > 0) {
            int r = Math.min(lowRank, Math.min(l.rows(), l.cols()));
            return MatMulNBitsLayout.bytes(l.rows(), l.cols(), spec) + 4.0 * r * (l.rows() + l.cols());
        }
        if (usesNBits(cp, l, spec)) {
            return isLookup(l) ? GatherNBitsRewrite.bytes(l.rows(), l.cols(), spec) : MatMulNBitsLayout.bytes(l.rows(), l.cols(), spec);
        }
        double scales = spec.perTensor() ? 1 : l.rows();
        return l.params() + scales * (4 + (spec.symmetric() ? 1 : 4));
    }

    private static void quantized(OnnxWriter w, Names names, Path source, long opset, Layer l, QuantizedMatrix q) {
        if (q.outlier() != null) {
            throw new LoupeException(source, "dense-and-sparse outliers cannot be written to ONNX; use safetensors");
        }
        boolean perTensor = q.spec().perTensor();
        if (!perTensor && q.spec().groupLength(l.cols()) < l.cols()) {
            throw groupWise(source, l);
        }
        String name = l.name();
        String codesName = names.fresh(name + "_quantized");
        String scaleName = names.fresh(name + "_scale");
        String zeroName = names.fresh(name + "_zero_point");
        int[] codes = l.storedInOut() ? transposeCodes(q.codes(), q.rows(), q.cols()) : q.codes();
        DType type = q.spec().symmetric() ? DType.I8 : DType.U8;
        w.remove(name);
        w.add(codesName, type, l.tensor().shape(), Encode.bytes(codes));
        if (perTensor || opset >= PER_AXIS_OPSET) {
            long[] pShape = perTensor ? new long[0] : new long[] {q.rows()};
            w.add(scaleName, DType.F32, pShape, Encode.floats(q.scales(), DType.F32));
            w.add(zeroName, type, pShape, Encode.bytes(q.zeros()));
            Map<String, Object> attrs = perTensor ? Map.of() : Map.of("axis", l.storedInOut() ? 1L : 0L);
            w.addNode(new Node(names.fresh(name + "_DequantizeLinear"), "DequantizeLinear", "",
                    List.of(codesName, scaleName, zeroName), List.of(name), attrs));
            return;
        }
        // [in, out]: a [out] vector broadcasts along the last axis; [out, in, ...]: [out, 1, ...] along the first
        long[] vShape = new long[l.tensor().rank()];
        java.util.Arrays.fill(vShape, 1);
        vShape[l.storedInOut() ? vShape.length - 1 : 0] = q.rows();
        if (l.storedInOut()) {
            vShape = new long[] {q.rows()};
        }
        w.add(scaleName, DType.F32, vShape, Encode.floats(q.scales(), DType.F32));
        String centered = names.fresh(name + "_float");
        w.addNode(new Node(names.fresh(name + "_Cast"), "Cast", "", List.of(codesName), List.of(centered),
                Map.of("to", 1L))); // TensorProto.FLOAT
        if (!q.spec().symmetric()) {
            float[] z = new float[q.zeros().length];
            for (int i = 0; i < z.length; i++) {
                z[i] = q.zeros()[i];
            }
            w.add(zeroName, DType.F32, vShape, Encode.floats(z, DType.F32));
            String sub = names.fresh(name + "_centered");
            w.addNode(new Node(names.fresh(name + "_Sub"), "Sub", "", List.of(centered, zeroName), List.of(sub), Map.of()));
            centered = sub;
        }
        w.addNode(new Node(names.fresh(name + "_Mul"), "Mul", "", List.of(centered, scaleName), List.of(name), Map.of()));
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
