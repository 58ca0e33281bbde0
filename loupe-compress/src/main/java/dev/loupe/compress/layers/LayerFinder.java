package dev.loupe.compress.layers;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Conv1DLayout;
import dev.loupe.core.checkpoint.TiedTensors;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The weights that pruning and quantization touch: floating-point matrices and conv kernels that a
 * linear operator multiplies with its input. Left alone, as in Wanda/AlphaPruning/GPTQ: biases and
 * norms (rank 1), embeddings (a lookup table, not a matmul: ONNX Gather, or an embedding-like name) and
 * output heads named lm_head. In an ONNX model only initializers read as the weight input of MatMul,
 * Gemm or Conv count, so the orientation is known rather than guessed; without a graph, weights are [out, in]
 * except Hugging Face Conv1D ones (GPT-2, see {@link Conv1DLayout}), and a tied name is left to its first name.
 *
 * <p>This is deliberately smaller than loupe-spectral's discovery: compression needs the operator's
 * input axis to be right (Wanda and N:M act along it), not WeightWatcher's layer taxonomy.
 */
public final class LayerFinder {
    private static final Pattern EMBEDDING = Pattern.compile(
            "(^|[._/])(embed|embeddings|embed_tokens|wte|wpe|tok_embeddings|word_embeddings|position_embeddings"
                    + "|token_type_embeddings)([._/]|$)");
    private static final Pattern EXCLUDED = Pattern.compile(
            "(^|[._/])(embed|embeddings|embed_tokens|wte|wpe|tok_embeddings|word_embeddings|position_embeddings"
                    + "|token_type_embeddings|lm_head|norm|layernorm|layer_norm|ln_\\w*)([._/]|$)");

    private static final java.util.Set<DType> WRITABLE = java.util.EnumSet.of(DType.F64, DType.F32, DType.F16, DType.BF16);

    private LayerFinder() {
    }

    /** ONNX operators that read integer weight codes: a model whose matrices all go to these is already quantized. */
    private static final java.util.Set<String> QUANTIZED_READERS = java.util.Set.of("MatMulInteger", "ConvInteger",
            "QLinearMatMul", "QLinearConv", "DequantizeLinear", "MatMulNBits", "GatherBlockQuantized", "DynamicQuantizeMatMul");

    /**
     * The operators that read integer weight matrices (rank ≥ 2 integer initializers) of {@code cp}, with how
     * many each: what makes a model with no float matrices an already-quantized one. Empty without a graph.
     */
    public static Map<String, Integer> quantizedWeights(Checkpoint cp) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        if (cp.graph().isEmpty()) {
            return out;
        }
        Graph g = cp.graph().get();
        for (Tensor t : cp.tensors()) {
            if (t.shape().length < 2 || t.dtype().kind() != DType.Kind.INT) {
                continue;
            }
            for (Node n : g.consumersOf(t.name())) {
                if (QUANTIZED_READERS.contains(n.opType())) {
                    out.merge(n.opType(), 1, Integer::sum);
                    break;
                }
            }
        }
        return out;
    }

    /** The compressible layers of {@code cp}, in checkpoint order. A weight with no elements (a [0, 64] tensor) is none. */
    public static List<Layer> find(Checkpoint cp) {
        List<Layer> out = new ArrayList<>();
        if (cp.graph().isPresent()) {
            Map<String, Node> readers = weightReaders(cp.graph().get());
            for (Tensor t : cp.tensors()) {
                Node n = readers.get(t.name());
                if (n != null && isFloat(t) && t.numel() > 0) {
                    Layer l = fromOnnx(t, n);
                    if (l != null) {
                        out.add(l);
                    }
                }
            }
            return out;
        }
        java.util.Set<String> inOut = Conv1DLayout.inOutTensors(cp);
        java.util.Set<String> tied = TiedTensors.find(cp.tensors()).keySet();
        for (Tensor t : cp.tensors()) {
            if (inOut.contains(t.name()) && isFloat(t) && !tied.contains(t.name()) && fits(t.dim(1), t.dim(0))) {
                out.add(new Layer(t, (int) t.dim(1), (int) t.dim(0), true, "", ""));
                continue;
            }
            if (isFloat(t) && t.rank() >= 2 && t.numel() > 0 && !tied.contains(t.name())
                    && !EXCLUDED.matcher(t.name().toLowerCase(java.util.Locale.ROOT)).find()) {
                long cols = t.numel() / t.dim(0);
                if (fits(t.dim(0), cols)) {
                    out.add(new Layer(t, (int) t.dim(0), (int) cols, false, "", ""));
                }
            }
        }
        return out;
    }

    /**
     * Lookup tables (embeddings): rank-2 float tensors read by an ONNX Gather as its data, or, without a
     * graph, named like an embedding. Rows are the entries looked up, so "per channel" means per entry.
     * Only quantization uses these; pruning an embedding table is not what the methods here were made for.
     */
    public static List<Layer> lookupTables(Checkpoint cp) {
        List<Layer> out = new ArrayList<>();
        Map<String, Node> gathers = new HashMap<>();
        cp.graph().ifPresent(g -> {
            Map<String, String> aliases = g.castAliases();
            g.allNodes().stream().filter(n -> n.opType().equals("Gather") && !n.inputs().isEmpty())
                    .forEach(n -> gathers.putIfAbsent(aliases.getOrDefault(n.inputs().get(0), n.inputs().get(0)), n));
        });
        for (Tensor t : cp.tensors()) {
            if (!isFloat(t) || t.rank() != 2 || !fits(t.dim(0), t.dim(1))) {
                continue;
            }
            Node n = gathers.get(t.name());
            if (n != null) {
                out.add(new Layer(t, (int) t.dim(0), (int) t.dim(1), false, "Gather", n.name()));
            } else if (cp.graph().isEmpty() && EMBEDDING.matcher(t.name().toLowerCase(java.util.Locale.ROOT)).find()) {
                out.add(new Layer(t, (int) t.dim(0), (int) t.dim(1), false, "", ""));
            }
        }
        return out;
    }

    private static Layer fromOnnx(Tensor t, Node n) {
        switch (n.opType()) {
            case "MatMul", "Gemm" -> {
                if (t.rank() != 2) {
                    return null;
                }
                boolean outIn = n.opType().equals("Gemm") && n.intAttribute("transB", 0) == 1;
                long out = outIn ? t.dim(0) : t.dim(1);
                long in = outIn ? t.dim(1) : t.dim(0);
                return fits(out, in) ? new Layer(t, (int) out, (int) in, !outIn, n.opType(), n.name()) : null;
            }
            case "Conv" -> {
                if (t.rank() < 3) {
                    return null;
                }
                long in = t.numel() / t.dim(0);
                return fits(t.dim(0), in) ? new Layer(t, (int) t.dim(0), (int) in, false, "Conv", n.name()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Initializer name to the node reading it as its weight (input 1), for every node of every subgraph. */
    private static Map<String, Node> weightReaders(Graph g) {
        Map<String, Node> out = new HashMap<>();
        Map<String, String> aliases = g.castAliases(); // fp16 weights read through a Cast count as weights
        for (Node n : g.allNodes()) {
            if (n.inputs().size() >= 2 && List.of("MatMul", "Gemm", "Conv").contains(n.opType())) {
                out.putIfAbsent(aliases.getOrDefault(n.inputs().get(1), n.inputs().get(1)), n);
            }
        }
        return out;
    }

    private static boolean isFloat(Tensor t) {
        // the widths the writers can encode back; F8 weights are left alone. Strided PyTorch views (a
        // transposed or sliced parameter) decode like any tensor and are written back contiguous.
        return WRITABLE.contains(t.dtype());
    }

    private static boolean fits(long rows, long cols) {
        return rows > 1 && cols > 1 && rows * cols < Integer.MAX_VALUE - 16;
    }
}
