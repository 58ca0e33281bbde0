package dev.loupe.spectral.layers;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.core.tensor.quant.OrtBlockQuant;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds integer ONNX initializers that are quantized weights and how to dequantize them:
 * <ul>
 *   <li>{@code DequantizeLinear(q, scale, zp, axis)} with q an initializer (static/QDQ quantization);</li>
 *   <li>{@code MatMulInteger(a, q, a_zp, q_zp)} / {@code ConvInteger}: the weight scale is not an input of the
 *       op but a factor of the {@code Mul} after it, usually {@code Mul(a_scale, q_scale)} (ONNX Runtime's
 *       dynamic quantization, as in all-MiniLM-L6-v2-q);</li>
 *   <li>{@code QLinearMatMul}/{@code QLinearConv}: scale and zero point are inputs;</li>
 *   <li>{@code Gather(q, ids) → DequantizeLinear} (quantized embedding tables), per-tensor or per-column;</li>
 *   <li>{@code com.microsoft::MatMulNBits} and {@code com.microsoft::GatherBlockQuantized}: packed 2/4/8-bit codes
 *       with block-wise scales ({@link BlockDequantization}).</li>
 * </ul>
 */
final class QuantizedWeights {
    /** A quantized weight: how to dequantize it, the op that uses it as a matrix, and its parameter tensors. */
    record Found(Dequantization dequant, Node consumer, List<String> parameters) {
    }

    private final Map<String, Tensor> byName = new HashMap<>();
    private final Map<String, List<Node>> consumersOf = new HashMap<>();
    private final Map<String, Node> producerOf = new HashMap<>();

    private QuantizedWeights(Checkpoint cp, List<Node> nodes) {
        for (Tensor t : cp.tensors()) {
            byName.put(t.name(), t);
        }
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                consumersOf.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            for (String out : n.outputs()) {
                producerOf.put(out, n);
            }
        }
    }

    /** Every quantized weight of the checkpoint's graph, by tensor name (empty without a graph). */
    static Map<String, Found> find(Checkpoint cp) {
        List<Node> nodes = cp.graph().map(Graph::allNodes).orElse(List.of());
        Map<String, Found> out = new HashMap<>();
        if (nodes.isEmpty()) {
            return out;
        }
        QuantizedWeights q = new QuantizedWeights(cp, nodes);
        for (Tensor t : cp.tensors()) {
            if (t.dtype().kind() == DType.Kind.INT && t.rank() >= 2) {
                q.resolve(t).ifPresent(f -> out.put(t.name(), f));
            }
        }
        return out;
    }

    private Optional<Found> resolve(Tensor w) {
        for (Node n : consumersOf.getOrDefault(w.name(), List.of())) {
            List<String> in = n.inputs();
            Optional<Found> f = switch (n.opType()) {
                case "DequantizeLinear" -> in.get(0).equals(w.name())
                        ? params(w, arg(in, 1), arg(in, 2), n.intAttribute("axis", 1), "DequantizeLinear",
                        firstConsumer(n.outputs().get(0)))
                        : Optional.empty();
                case "MatMulInteger", "ConvInteger" -> in.size() > 1 && in.get(1).equals(w.name())
                        ? scaleAfter(n).flatMap(s -> params(w, s, arg(in, 3),
                        n.opType().equals("MatMulInteger") ? 1 : 0, n.opType(), n))
                        : Optional.empty();
                case "QLinearMatMul", "QLinearConv" -> in.size() > 5 && in.get(3).equals(w.name())
                        ? params(w, in.get(4), in.get(5), n.opType().equals("QLinearMatMul") ? 1 : 0, n.opType(), n)
                        : Optional.empty();
                case "Gather" -> in.get(0).equals(w.name()) ? gathered(w, n) : Optional.empty();
                case "MatMulNBits" -> microsoft(n) && in.size() > 2 && in.get(1).equals(w.name())
                        ? matMulNBits(w, n) : Optional.empty();
                case "GatherBlockQuantized" -> microsoft(n) && in.size() > 2 && in.get(0).equals(w.name())
                        ? gatherBlockQuantized(w, n) : Optional.empty();
                default -> Optional.empty();
            };
            if (f.isPresent()) {
                return f;
            }
        }
        return Optional.empty();
    }

    /** Quantized table → Gather → DequantizeLinear: only parameters that map back onto the table's axes. */
    private Optional<Found> gathered(Tensor w, Node gather) {
        Node dq = firstConsumer(gather.outputs().get(0));
        if (dq == null || !dq.opType().equals("DequantizeLinear") || w.rank() != 2) {
            return Optional.empty();
        }
        Tensor s = byName.get(arg(dq.inputs(), 1));
        if (s == null) {
            return Optional.empty();
        }
        // a 1-D scale must run along the hidden axis, the last one of both the table and the gathered rows
        if (s.numel() != 1 && !(dq.intAttribute("axis", 1) == -1 && s.numel() == w.dim(1))) {
            return Optional.empty();
        }
        return params(w, s.name(), arg(dq.inputs(), 2), 1, "Gather+DequantizeLinear", gather);
    }

    /**
     * MatMulNBits(A, B, scales, zero_points?, g_idx?, bias?): B is [N, ceil(K/block), block·bits/8] for
     * Y = A·Bᵀ, so W is [N out, K in]. The deprecated g_idx (act-order) reorders K and is not read.
     */
    private Optional<Found> matMulNBits(Tensor w, Node n) {
        long k = n.intAttribute("K", -1);
        long rows = n.intAttribute("N", -1);
        long bits = n.intAttribute("bits", 4);
        long block = n.intAttribute("block_size", -1);
        if (!blockCodes(w, bits, block) || k <= 0 || k > Integer.MAX_VALUE || rows <= 0 || w.rank() != 3
                || !arg(n.inputs(), 4).isEmpty()) {
            return Optional.empty();
        }
        long kBlocks = (k + block - 1) / block;
        if (w.dim(0) != rows || w.dim(1) != kBlocks || w.dim(2) != block * bits / 8) {
            return Optional.empty();
        }
        return blockParams(w, n, (int) rows, (int) k, (int) bits, (int) block);
    }

    /**
     * GatherBlockQuantized(data, indices, scales, zero_points?) of a [V, H] table gathered along axis 0 and
     * quantized along its last axis (ORT's uint8 form: data is [V, H·bits/8]).
     */
    private Optional<Found> gatherBlockQuantized(Tensor w, Node n) {
        long bits = n.intAttribute("bits", 4);
        long block = n.intAttribute("block_size", 128);
        long quantizeAxis = n.intAttribute("quantize_axis", 1);
        if (!blockCodes(w, bits, block) || w.rank() != 2 || n.intAttribute("gather_axis", 0) != 0
                || (quantizeAxis != 1 && quantizeAxis != -1)) {
            return Optional.empty();
        }
        long cols = w.dim(1) * 8 / bits;
        if (cols > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return blockParams(w, n, (int) w.dim(0), (int) cols, (int) bits, (int) block);
    }

    private static boolean blockCodes(Tensor w, long bits, long block) {
        return w.dtype() == DType.U8 && (bits == 2 || bits == 4 || bits == 8) && block > 0 && block * bits % 8 == 0
                && block <= Integer.MAX_VALUE / 8 && w.dim(0) <= Integer.MAX_VALUE;
    }

    /** The scales (input 2) and packed uint8 zero points (input 3) of a block-quantized weight, checked against it. */
    private Optional<Found> blockParams(Tensor w, Node n, int rows, int cols, int bits, int block) {
        String scaleName = n.inputs().get(2);
        Tensor s = byName.get(scaleName);
        int blocks = (cols + block - 1) / block;
        if (s == null || s.dtype().kind() != DType.Kind.FLOAT || s.numel() != (long) rows * blocks) {
            return Optional.empty();
        }
        List<String> used = new ArrayList<>(List.of(scaleName));
        String zpName = arg(n.inputs(), 3);
        Tensor z = null;
        if (!zpName.isEmpty()) {
            z = byName.get(zpName);
            // newer ORT also takes unpacked zero points of the scales' float type: not read here
            if (z == null || z.dtype() != DType.U8 || z.numel() != (long) rows * OrtBlockQuant.zeroPointRowBytes(blocks, bits)) {
                return Optional.empty();
            }
            used.add(zpName);
        }
        return Optional.of(new Found(new BlockDequantization(n.opType(), rows, cols, bits, block, s, z), n, used));
    }

    private static boolean microsoft(Node n) {
        return n.domain().equals("com.microsoft");
    }

    private Optional<Found> params(Tensor w, String scaleName, String zpName, long axis, String via, Node consumer) {
        Tensor s = byName.get(scaleName);
        if (s == null || s.dtype().kind() != DType.Kind.FLOAT || s.rank() > 1) {
            return Optional.empty();
        }
        int ax = (int) (axis < 0 ? axis + w.rank() : axis);
        if (s.numel() != 1 && (ax < 0 || ax >= w.rank() || s.numel() != w.dim(ax))) {
            return Optional.empty();
        }
        float[] scale = s.toFloats();
        float[] zp = new float[scale.length];
        List<String> used = new ArrayList<>(List.of(scaleName));
        Tensor z = zpName.isEmpty() ? null : byName.get(zpName);
        if (z != null) {
            if (z.numel() != scale.length) {
                return Optional.empty();
            }
            zp = z.toFloats();
            used.add(zpName);
        }
        return Optional.of(new Found(new AxisDequantization(scale, zp, ax, via), consumer, used));
    }

    /**
     * The weight scale of a MatMulInteger/ConvInteger: follow the integer output through Casts to a Mul;
     * its other factor is the scale initializer itself or a Mul of the activation scale and it.
     */
    private Optional<String> scaleAfter(Node op) {
        String v = op.outputs().get(0);
        for (int hop = 0; hop < 4; hop++) {
            Node next = firstConsumer(v);
            if (next == null) {
                return Optional.empty();
            }
            if (next.opType().equals("Mul") && next.inputs().size() == 2) {
                String other = next.inputs().get(0).equals(v) ? next.inputs().get(1) : next.inputs().get(0);
                if (isFloatInitializer(other)) {
                    return Optional.of(other);
                }
                Node p = producerOf.get(other);
                if (p != null && p.opType().equals("Mul")) {
                    List<String> inits = p.inputs().stream().filter(this::isFloatInitializer).toList();
                    // with two constant factors (static activation scale) we cannot tell which is the weight's
                    return inits.size() == 1 ? Optional.of(inits.get(0)) : Optional.empty();
                }
                return Optional.empty();
            }
            if (!next.opType().equals("Cast") && !next.opType().equals("Reshape")) {
                return Optional.empty();
            }
            v = next.outputs().get(0);
        }
        return Optional.empty();
    }

    private boolean isFloatInitializer(String name) {
        Tensor t = byName.get(name);
        return t != null && t.dtype().kind() == DType.Kind.FLOAT && t.rank() <= 1;
    }

    private Node firstConsumer(String value) {
        List<Node> c = consumersOf.getOrDefault(value, List.of());
        return c.isEmpty() ? null : c.get(0);
    }

    private static String arg(List<String> inputs, int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }
}
