package dev.loupe.landscape.engine;

import dev.loupe.core.LoupeException;
import dev.loupe.core.graph.Node;
import dev.loupe.core.tensor.DType;
import dev.loupe.core.tensor.Tensor;
import dev.loupe.runtime.text.Pooling;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Appends sentence-embedding pooling to a BERT-style encoder whose first output is the token states
 * [batch, seq, dim]: the mean over the tokens the attention mask keeps ({@link Pooling#MEAN}, all-MiniLM-L6-v2,
 * e5) or the [CLS] token's state ({@link Pooling#CLS}, bge), then L2 normalization — as loupe-runtime's
 * SentenceEmbedder pools. Written as ONNX nodes so that the loss, its gradient and its Hessian see exactly
 * what a user of the embeddings sees. sentence-transformers clamps the token count at 1e-9 and the norm at
 * 1e-12; neither can bind here ([CLS] and [SEP] are always kept, and a zero embedding would be a broken
 * model), so they are left out and the head stays differentiable everywhere.
 */
public final class SentencePooling {
    /** The name of the pooled output. */
    public static final String OUTPUT = "loupe_sentence_embedding";

    private SentencePooling() {
    }

    public static ParameterizedModel append(ParameterizedModel m, Pooling mode) {
        List<String> names = m.dataInputs().stream().map(ValueType::name).toList();
        if (!names.contains("attention_mask") || !names.contains("input_ids")) {
            throw new LoupeException(m.file(), "is not a BERT-style encoder (inputs " + names + ", need input_ids and attention_mask)");
        }
        ValueType states = m.outputs().getFirst();
        if (states.dims().length != 3 || states.dims()[2] <= 0) {
            throw new LoupeException(m.file(), "first output '" + states.name() + "' is not token states [batch, seq, dim]");
        }
        long dim = states.dims()[2];
        List<Node> nodes = new ArrayList<>(m.nodes());
        boolean inputs = m.opset() >= 13; // axes of Unsqueeze, Squeeze and ReduceSum moved from attributes to inputs at opset 13
        String ax1 = "loupe_pool_axis1", ax2 = "loupe_pool_axis2", zero = "loupe_pool_zero";
        boolean cls = mode == Pooling.CLS;
        if (inputs || cls) { // only the constants some node reads (ORT warns about unused ones)
            nodes.add(constant(ax1, 1, m));
        }
        if (inputs && !cls) {
            nodes.add(constant(ax2, 2, m));
        }
        if (cls) {
            nodes.add(constant(zero, 0, m));
        }
        if (cls) { // states[:, 0, :] as Slice + Squeeze: Gather along axis 1 has no gradient rule
            nodes.add(node(false, "Slice", Map.of(), 0, null, "loupe_pool_cls3", states.name(), zero, ax1, ax1));
            nodes.add(node(inputs, "Squeeze", Map.of(), 1, ax1, "loupe_pool_vector", "loupe_pool_cls3"));
        } else {
            nodes.add(node(inputs, "Unsqueeze", Map.of(), 2, ax2, "loupe_pool_mask3", "attention_mask"));
            nodes.add(node(false, "Cast", Map.of("to", 1L), 0, null, "loupe_pool_maskf", "loupe_pool_mask3"));
            nodes.add(node(false, "Mul", Map.of(), 0, null, "loupe_pool_kept", states.name(), "loupe_pool_maskf"));
            nodes.add(node(inputs, "ReduceSum", Map.of("keepdims", 0L), 1, ax1, "loupe_pool_sum", "loupe_pool_kept"));
            nodes.add(node(inputs, "ReduceSum", Map.of("keepdims", 0L), 1, ax1, "loupe_pool_count", "loupe_pool_maskf"));
            nodes.add(node(false, "Div", Map.of(), 0, null, "loupe_pool_vector", "loupe_pool_sum", "loupe_pool_count"));
        }
        nodes.add(node(false, "Mul", Map.of(), 0, null, "loupe_pool_sq", "loupe_pool_vector", "loupe_pool_vector"));
        nodes.add(node(inputs, "ReduceSum", Map.of("keepdims", 1L), 1, ax1, "loupe_pool_norm2", "loupe_pool_sq"));
        nodes.add(node(false, "Sqrt", Map.of(), 0, null, "loupe_pool_norm", "loupe_pool_norm2"));
        nodes.add(node(false, "Div", Map.of(), 0, null, OUTPUT, "loupe_pool_vector", "loupe_pool_norm"));
        return new ParameterizedModel(m.file(), nodes, m.dataInputs(), List.of(new ValueType(OUTPUT, 1, new long[]{-1, dim})),
                m.fixed(), m.layout(), m.theta0(), m.opset(), m.checkpoint());
    }

    private static Node node(boolean axesInput, String op, Map<String, Object> attrs, long axis, String axisName, String out, String... in) {
        List<String> inputs = new ArrayList<>(List.of(in));
        Map<String, Object> a = new java.util.HashMap<>(attrs);
        if (axisName != null) {
            if (axesInput) {
                inputs.add(axisName);
            } else {
                a.put("axes", new long[]{axis});
            }
        }
        return new Node(out, op, "", inputs, List.of(out), a);
    }

    private static Node constant(String name, long value, ParameterizedModel m) {
        byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        Tensor t = Tensor.contiguous(name, DType.I64, new long[]{1}, MemorySegment.ofArray(raw), m.file());
        return new Node(name, "Constant", "", List.of(), List.of(name), Map.of("value", t));
    }
}
