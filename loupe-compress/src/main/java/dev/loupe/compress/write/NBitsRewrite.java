package dev.loupe.compress.write;

import dev.loupe.core.tensor.Encode;
import dev.loupe.compress.layers.Layer;
import dev.loupe.compress.quantize.LowRankCompensation;
import dev.loupe.compress.quantize.QuantSpec;
import dev.loupe.compress.quantize.QuantizedMatrix;
import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.format.onnx.OnnxWriter;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rewrites the operators that read a quantized weight into {@code com.microsoft::MatMulNBits}, whose weight
 * input is packed codes ({@link MatMulNBitsLayout}): the only form ONNX Runtime 1.23 runs that stores codes
 * narrower than a byte below ai.onnx opset 21. Raising a model's default opset to 21 (for int4
 * DequantizeLinear) would change the meaning of other ops, so only a com.microsoft opset import is added.
 *
 * <p>A weight qualifies when it is an fp32 initializer of the main graph read only as input B of MatMul
 * nodes (Y = A·W), or of Gemm nodes with alpha = 1, transA = 0 and no C or a 1-D fp32 initializer C of N
 * entries with beta = 1 (Y = A·Wᵀ or A·W, plus C, which becomes MatMulNBits' bias input). Each such node is
 * replaced in place by one MatMulNBits node with the same inputs A and outputs.
 *
 * <p>With low-rank compensation W ≈ deq(Q) + L·R (L [out, r], R [r, in]) every reader computes
 * Y = A·deq(Q)ᵀ (+ C) + (A·Rᵀ)·Lᵀ: the MatMulNBits result, two small fp32 MatMuls over the activations and
 * an Add, so the dense correction is never materialized. Rᵀ [in, r] and Lᵀ [r, out] are stored as
 * {@code W_lowrank_b} and {@code W_lowrank_a}.
 */
public final class NBitsRewrite {
    private NBitsRewrite() {
    }

    /** Whether every reader of {@code l} can become MatMulNBits, and {@code spec} has a block size. */
    public static boolean fits(Checkpoint cp, Layer l, QuantSpec spec) {
        Graph g = cp.graph().orElse(null);
        String w = l.name();
        if (g == null || l.tensor().dtype() != DType.F32 || l.tensor().rank() != 2 || !g.initializers().contains(w)
                || g.outputs().contains(w) || MatMulNBitsLayout.blockSize(spec, l.cols()) == 0) {
            return false;
        }
        List<Node> readers = g.consumersOf(w);
        return !readers.isEmpty() && readers.stream().allMatch(n -> inMainGraph(g, n) && readsAsB(cp, n, w, l.rows(), l.storedInOut()));
    }

    /**
     * Replaces the readers of {@code l} (which {@link #fits}) by MatMulNBits over the packed {@code q}, plus the
     * low-rank correction when {@code lowRank} is not null.
     */
    static void write(OnnxWriter w, Graph g, Names names, Layer l, QuantizedMatrix q, LowRankCompensation.Factors lowRank) {
        MatMulNBitsLayout.Packed p = MatMulNBitsLayout.pack(q);
        String name = l.name();
        String codesName = names.fresh(name + "_quantized");
        String scaleName = names.fresh(name + "_scale");
        String zeroName = names.fresh(name + "_zero_point");
        String lowB = names.fresh(name + "_lowrank_b");
        String lowA = names.fresh(name + "_lowrank_a");
        w.remove(name);
        w.add(codesName, DType.U8, new long[] {p.n(), p.kBlocks(), p.blob()}, MemorySegment.ofArray(p.b()));
        // scales and zero points flat ([N·k_blocks], [N·zp_bytes]): ORT accepts them (the form its own quantizer
        // long wrote) and a 1-D tensor is not mistaken for a weight matrix by readers such as `loupe inspect`
        w.add(scaleName, DType.F32, new long[] {p.scales().length}, Encode.floats(p.scales(), DType.F32));
        if (p.zeroPoints() != null) {
            w.add(zeroName, DType.U8, new long[] {p.zeroPoints().length}, MemorySegment.ofArray(p.zeroPoints()));
        }
        if (lowRank != null) {
            // Rᵀ is [in, r] (R is [r, in]); Lᵀ is [r, out] (L is [out, r])
            w.add(lowB, DType.F32, new long[] {lowRank.cols(), lowRank.rank()},
                    Encode.floats(Layer.transpose(lowRank.b(), lowRank.rank(), lowRank.cols()), DType.F32));
            w.add(lowA, DType.F32, new long[] {lowRank.rank(), lowRank.rows()},
                    Encode.floats(Layer.transpose(lowRank.a(), lowRank.rows(), lowRank.rank()), DType.F32));
        }
        w.requireOpset("com.microsoft", 1);
        Map<String, Object> attrs = Map.of("K", (long) p.k(), "N", (long) p.n(), "bits", (long) p.bits(),
                "block_size", (long) p.block(), "accuracy_level", 0L); // 0: A stays fp32, as in the float model
        for (Node n : g.consumersOf(name)) {
            List<String> in = new ArrayList<>(List.of(n.inputs().get(0), codesName, scaleName, p.zeroPoints() == null ? "" : zeroName));
            if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                in.addAll(List.of("", n.inputs().get(2))); // g_idx (deprecated, absent), bias
            }
            while (in.getLast().isEmpty()) {
                in.removeLast();
            }
            String nodeName = n.name().isEmpty() ? names.fresh(name + "_MatMulNBits") : n.name();
            String y = n.outputs().getFirst();
            if (lowRank == null) {
                w.replaceNode(y, List.of(new Node(nodeName, "MatMulNBits", "com.microsoft", in, n.outputs(), attrs)));
                continue;
            }
            String yq = names.fresh(y + "_quantized");
            String xb = names.fresh(y + "_lowrank_xb");
            String yl = names.fresh(y + "_lowrank");
            w.replaceNode(y, List.of(
                    new Node(nodeName, "MatMulNBits", "com.microsoft", in, List.of(yq), attrs),
                    new Node(names.fresh(nodeName + "_lowrank_b"), "MatMul", "", List.of(n.inputs().get(0), lowB), List.of(xb), Map.of()),
                    new Node(names.fresh(nodeName + "_lowrank_a"), "MatMul", "", List.of(xb, lowA), List.of(yl), Map.of()),
                    new Node(names.fresh(nodeName + "_lowrank_add"), "Add", "", List.of(yq, yl), List.of(y), Map.of())));
        }
    }

    /**
     * Whether {@code n} reads {@code w} as its B in the orientation the layer was quantized in: one packed copy
     * serves all readers, so a square W read by MatMul (W is [in, out]) and by Gemm transB=1 (W is [out, in]) must
     * not share it, or the Gemm would compute A·W instead of A·Wᵀ. Such a weight keeps DequantizeLinear, which
     * rebuilds W itself and lets every reader read it its own way.
     */
    private static boolean readsAsB(Checkpoint cp, Node n, String w, int outChannels, boolean storedInOut) {
        boolean onnxDomain = n.domain().isEmpty() || n.domain().equals("ai.onnx");
        if (!onnxDomain || n.outputs().size() != 1 || n.inputs().size() < 2 || !n.inputs().get(1).equals(w)
                || n.inputs().get(0).equals(w)) {
            return false;
        }
        return switch (n.opType()) {
            case "MatMul" -> n.inputs().size() == 2 && storedInOut;
            case "Gemm" -> n.intAttribute("transA", 0) == 0 && (n.intAttribute("transB", 0) == 0) == storedInOut && floatAttribute(n, "alpha") == 1
                    && (n.inputs().size() == 2 || n.inputs().get(2).isEmpty() || isBias(cp, n, w, outChannels));
            default -> false;
        };
    }

    private static boolean isBias(Checkpoint cp, Node n, String w, int outChannels) {
        String c = n.inputs().get(2);
        Tensor t = cp.tensor(c).orElse(null);
        return n.inputs().size() == 3 && !c.equals(w) && floatAttribute(n, "beta") == 1 && t != null
                && cp.graph().orElseThrow().initializers().contains(c) && t.dtype() == DType.F32 && t.rank() == 1
                && t.dim(0) == outChannels;
    }

    private static double floatAttribute(Node n, String key) {
        return n.attributes().get(key) instanceof Double d ? d : 1.0;
    }

    private static boolean inMainGraph(Graph g, Node n) {
        return g.nodes().stream().anyMatch(m -> m == n);
    }
}
