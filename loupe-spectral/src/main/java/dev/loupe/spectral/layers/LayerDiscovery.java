package dev.loupe.spectral.layers;

import dev.loupe.core.checkpoint.Checkpoint;
import dev.loupe.core.checkpoint.Conv1DLayout;
import dev.loupe.core.checkpoint.TiedTensors;
import dev.loupe.core.graph.Graph;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.result.SkippedTensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds every weight matrix of a checkpoint. Rank ≥ 2 floating-point (or quantized) tensors are
 * analyzed; 1-D tensors (biases, norms), scalars and integer tensors are listed as skipped. ONNX
 * graphs tell the operator that reads each initializer (MatMul stores (in, out); Gemm transB).
 */
public final class LayerDiscovery {
    /** WeightWatcher 0.7.5.5's analyze() defaults: layers outside these limits are skipped there. */
    static final int WW_MIN_EVALS = 10;
    static final int WW_MAX_EVALS = 15000;
    static final int WW_MAX_N = 50000;

    private static final Pattern EMBEDDING = Pattern.compile(
            "(^|[._])(embed|embeddings|embed_tokens|wte|wpe|tok_embeddings|word_embeddings|position_embeddings"
                    + "|token_type_embeddings|token_embd|shared)([._]|$)");
    private static final Pattern LM_HEAD = Pattern.compile("(^|[._])(lm_head|output)([._]|$)");

    private LayerDiscovery() {
    }

    public static Discovery discover(Checkpoint cp, ConvMode conv) {
        return discover(cp, conv, List.of());
    }

    /** As {@link #discover(Checkpoint, ConvMode)}, analyzing tensors matched by a split rule as their parts. */
    public static Discovery discover(Checkpoint cp, ConvMode conv, List<FusedSplit> splits) {
        Map<String, Node> consumers = consumers(cp);
        Map<String, QuantizedWeights.Found> quantized = QuantizedWeights.find(cp);
        Map<String, String> parameterOf = new HashMap<>();
        quantized.forEach((w, f) -> f.parameters().forEach(p -> parameterOf.putIfAbsent(p, w)));
        Map<String, String> tied = TiedTensors.find(cp.tensors());
        Set<String> conv1d = Conv1DLayout.inOutTensors(cp);
        List<WeightMatrix> out = new ArrayList<>();
        List<SkippedTensor> skipped = new ArrayList<>();
        for (Tensor t : cp.tensors()) {
            if (tied.containsKey(t.name())) {
                skipped.add(new SkippedTensor(t.name(), t.dtype().name(), t.shape(),
                        "tied to '" + tied.get(t.name()) + "' (the same stored bytes): analyzed once, under that name"));
                continue;
            }
            QuantizedWeights.Found q = quantized.get(t.name());
            if (q != null && q.dequant() instanceof BlockDequantization b) {
                out.add(blockQuantized(t, q.consumer(), b, splits));
                continue;
            }
            if (q != null) {
                out.addAll(split(dequantized(describe(t, q.consumer(), conv), q.dequant()), splits));
                continue;
            }
            String why = parameterOf.containsKey(t.name())
                    ? "quantization parameter of '" + parameterOf.get(t.name()) + "'" : excluded(t);
            if (why != null) {
                skipped.add(new SkippedTensor(t.name(), t.dtype().name(), t.shape(), why));
                continue;
            }
            WeightMatrix m = describe(t, consumers.get(t.name()), conv);
            out.addAll(split(conv1d.contains(t.name()) ? storedInOut(m) : m, splits));
        }
        return new Discovery(out, skipped);
    }

    private static String excluded(Tensor t) {
        DType.Kind k = t.dtype().kind();
        if (k == DType.Kind.INT || k == DType.Kind.BOOL) {
            return t.rank() >= 2 && k == DType.Kind.INT
                    ? "integer tensor with no dequantization (scale/zero point) found in the graph"
                    : "integer/boolean tensor (not a float weight)";
        }
        if (t.rank() < 2) {
            return t.rank() == 0 ? "scalar" : "1-D (bias or norm)";
        }
        for (long d : t.shape()) {
            if (d == 0) {
                return "empty tensor";
            }
        }
        if (t.rank() == 2 && Math.min(t.dim(0), t.dim(1)) == 1) {
            return "a vector stored as " + t.dim(0) + "x" + t.dim(1) + " (one eigenvalue)";
        }
        return null;
    }

    static WeightMatrix describe(Tensor t, Node consumer, ConvMode conv) {
        String op = consumer == null ? "" : consumer.opType();
        String name = layerName(t.name(), consumer);
        List<String> notes = new ArrayList<>();
        long[] s = t.shape();
        LayerKind kind;
        String type;
        int rows;
        int cols;
        int rf = 1;
        String orientation = "out,in";
        if (s.length == 4 && conv == ConvMode.SLICES) {
            kind = LayerKind.CONV2D;
            type = "conv2d";
            rows = checked(t, s[0]);
            cols = checked(t, s[1]);
            rf = checked(t, s[2] * s[3]);
        } else if (s.length >= 3) {
            kind = s.length == 3 ? LayerKind.CONV1D : LayerKind.CONV_FLAT;
            type = s.length == 3 ? "conv1d" : "conv2d";
            rows = checked(t, s[0]);
            cols = checked(t, t.numel() / s[0]);
            notes.add("rank-" + s.length + " tensor read as " + rows + "x" + cols + " (dim 0 vs the rest flattened)");
        } else {
            rows = checked(t, s[0]);
            cols = checked(t, s[1]);
            String lower = t.name().toLowerCase(Locale.ROOT);
            if (op.equals("Gather") || (consumer == null && EMBEDDING.matcher(lower).find())) {
                kind = LayerKind.EMBEDDING;
                type = "embedding";
                orientation = "vocab,hidden";
            } else if (LM_HEAD.matcher(lower).find()) {
                kind = LayerKind.LM_HEAD;
                type = "dense";
            } else {
                kind = LayerKind.DENSE;
                type = "dense";
            }
            if (op.equals("MatMul") || op.equals("MatMulInteger") || op.equals("QLinearMatMul") || (op.equals("Gemm") && consumer.intAttribute("transB", 0) == 0)) {
                orientation = "in,out";
            }
        }
        WeightMatrix draft = new WeightMatrix(name, t, kind, type, rows, cols, rf, orientation, op, notes);
        notes.addAll(weightWatcherNotes(draft));
        if (t.dtype() == DType.F64) {
            notes.add("F64 weights kept in double (WeightWatcher downcasts torch tensors to float32 first)");
        }
        if (t.dtype().isQuantized()) {
            notes.add(t.dtype() + " weights dequantized to float32 before analysis");
        }
        return new WeightMatrix(name, t, kind, type, rows, cols, rf, orientation, op, notes);
    }

    /**
     * A com.microsoft block-quantized weight, read as the matrix its operator uses: MatMulNBits computes
     * Y = A·Wᵀ with W [N out, K in] (K, N from the node); GatherBlockQuantized looks up rows of a [V, H] table.
     */
    private static WeightMatrix blockQuantized(Tensor t, Node consumer, BlockDequantization b, List<FusedSplit> splits) {
        String name = layerName(t.name(), consumer);
        boolean table = b.via().equals("GatherBlockQuantized");
        LayerKind kind = table ? LayerKind.EMBEDDING
                : LM_HEAD.matcher(t.name().toLowerCase(Locale.ROOT)).find() ? LayerKind.LM_HEAD : LayerKind.DENSE;
        String orientation = table ? "vocab,hidden" : "out,in";
        List<String> notes = new ArrayList<>();
        notes.add(b.describe(t.dtype().name()));
        if (splits.stream().anyMatch(r -> r.matches(t.name()))) {
            notes.add("not split: --split-fused does not apply to block-packed codes");
        }
        WeightMatrix draft = new WeightMatrix(name, t, kind, table ? "embedding" : "dense", b.rows(), b.cols(), 1,
                orientation, consumer.opType(), notes, b, null);
        notes.addAll(weightWatcherNotes(draft));
        return new WeightMatrix(name, t, kind, draft.layerType(), b.rows(), b.cols(), 1, orientation,
                consumer.opType(), notes, b, null);
    }

    /** The parts of {@code m} under the first matching rule, or {@code m} itself. */
    static List<WeightMatrix> split(WeightMatrix m, List<FusedSplit> splits) {
        FusedSplit rule = splits.stream().filter(r -> r.matches(m.tensor().name())).findFirst().orElse(null);
        if (rule == null) {
            return List.of(m);
        }
        Tensor t = m.tensor();
        List<Part> parts;
        try {
            parts = rule.parts(t);
        } catch (IllegalArgumentException e) {
            throw new dev.loupe.core.LoupeException(t.file(), "--split-fused " + rule.pattern() + ": " + e.getMessage());
        }
        List<WeightMatrix> out = new ArrayList<>(parts.size());
        long[] s = t.shape();
        for (Part p : parts) {
            int rows = (int) (s.length == 3 ? s[1] : p.axis() == 0 ? p.size() : s[0]);
            int cols = (int) (s.length == 3 ? s[2] : p.axis() == 1 ? p.size() : s[1]);
            LayerKind kind = m.kind() == LayerKind.CONV1D ? LayerKind.DENSE : m.kind();
            List<String> notes = new ArrayList<>();
            notes.add("part " + p.label() + " (" + (p.index() + 1) + "/" + p.count() + ") of fused tensor '" + t.name()
                    + "': indices " + p.start() + ".." + (p.start() + p.size()) + " of axis " + p.axis()
                    + " (--split-fused " + rule.pattern() + ")");
            m.notes().stream().filter(n -> !n.startsWith("rank-") && !n.startsWith("WeightWatcher skips")).forEach(notes::add);
            WeightMatrix draft = new WeightMatrix(m.name() + "." + p.label(), t, kind,
                    kind == LayerKind.DENSE ? "dense" : m.layerType(), rows, cols, 1, m.orientation(), m.consumer(),
                    notes, m.dequant(), p);
            notes.addAll(weightWatcherNotes(draft));
            out.add(new WeightMatrix(draft.name(), t, kind, draft.layerType(), rows, cols, 1, m.orientation(),
                    m.consumer(), notes, m.dequant(), p));
        }
        return out;
    }

    /** {@code m} as a Hugging Face Conv1D weight: y = x W with W stored [in, out]. */
    private static WeightMatrix storedInOut(WeightMatrix m) {
        List<String> notes = new ArrayList<>(m.notes());
        notes.add("Hugging Face Conv1D (GPT-2 style): stored [in, out], the transpose of nn.Linear");
        return new WeightMatrix(m.name(), m.tensor(), m.kind(), m.layerType(), m.rows(), m.cols(), m.rf(),
                "in,out", m.consumer(), notes, m.dequant(), m.part());
    }

    private static WeightMatrix dequantized(WeightMatrix m, Dequantization dq) {
        List<String> notes = new ArrayList<>(m.notes());
        notes.add(0, dq.describe(m.tensor().dtype().name()));
        return new WeightMatrix(m.name(), m.tensor(), m.kind(), m.layerType(), m.rows(), m.cols(), m.rf(),
                m.orientation(), m.consumer(), notes, dq, null);
    }

    /**
     * The tensor name without {@code .weight}; for ONNX exporters' anonymous initializers
     * ({@code onnx::MatMul_787}) the consuming node's path instead ({@code encoder/layer.0/attention/self/query}).
     */
    static String layerName(String tensor, Node consumer) {
        if (tensor.startsWith("onnx::") && consumer != null && !consumer.name().isEmpty()) {
            String n = consumer.name();
            n = n.startsWith("/") ? n.substring(1) : n;
            int slash = n.lastIndexOf('/');
            // the node keeps the name of the float op it replaced: MatMulInteger of ".../MatMul_quant",
            // MatMulNBits of ".../MatMul", GatherBlockQuantized of ".../Gather"
            String base = consumer.opType().replace("Integer", "").replace("QLinear", "").replace("NBits", "")
                    .replace("BlockQuantized", "");
            if (slash > 0 && n.substring(slash + 1).startsWith(base)) {
                n = n.substring(0, slash);
            }
            return n;
        }
        // ONNX Runtime's quantizer renames W to W_quantized; keep the float model's key so the two compare
        String t = tensor.endsWith("_quantized") ? tensor.substring(0, tensor.length() - 10) : tensor;
        return t.endsWith(".weight") ? t.substring(0, t.length() - 7) : t;
    }

    static List<String> weightWatcherNotes(WeightMatrix m) {
        List<String> notes = new ArrayList<>();
        if (m.numEvals() < WW_MIN_EVALS) {
            notes.add("WeightWatcher skips this layer (" + m.numEvals() + " eigenvalues < min_evals " + WW_MIN_EVALS + ")");
        }
        if (m.numEvals() > WW_MAX_EVALS) {
            notes.add("WeightWatcher skips this layer (" + m.numEvals() + " eigenvalues > max_evals " + WW_MAX_EVALS + ")");
        }
        if (m.N() > WW_MAX_N) {
            notes.add("WeightWatcher skips this layer (N=" + m.N() + " > max_N " + WW_MAX_N + ")");
        }
        return notes;
    }

    private static int checked(Tensor t, long v) {
        if (v > Integer.MAX_VALUE - 16) {
            throw new dev.loupe.core.LoupeException(t.file(), "tensor '" + t.name() + "': dimension " + v
                    + " is too large to analyze as a matrix");
        }
        return (int) v;
    }

    private static Map<String, Node> consumers(Checkpoint cp) {
        Map<String, Node> out = new HashMap<>();
        Map<String, String> aliases = cp.graph().map(Graph::castAliases).orElse(Map.of());
        for (Node n : cp.graph().map(Graph::allNodes).orElse(List.of())) {
            for (String value : n.inputs()) {
                String in = aliases.getOrDefault(value, value);
                Node prev = out.get(in);
                if (prev == null || weightOp(n) && !weightOp(prev)) {
                    out.put(in, n);
                }
            }
        }
        return out;
    }

    private static boolean weightOp(Node n) {
        return switch (n.opType()) {
            case "MatMul", "Gemm", "Conv", "Gather" -> true;
            default -> false;
        };
    }
}
