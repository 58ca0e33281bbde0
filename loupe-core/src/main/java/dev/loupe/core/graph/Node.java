package dev.loupe.core.graph;

import java.util.List;
import java.util.Map;

/**
 * One operator of a computation graph (ONNX NodeProto). Attribute values are Long, Double, String,
 * long[], double[], String[], a {@link dev.loupe.core.tensor.Tensor} (e.g. a Constant's value), a nested
 * {@link Graph} (If/Loop bodies) or a List of Graphs, so later stages can tell, for instance, that a
 * Gemm has transB=1.
 */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                   Map<String, Object> attributes) {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = Map.copyOf(attributes);
    }

    /** An integer attribute, or {@code fallback} when absent. */
    public long intAttribute(String key, long fallback) {
        return attributes.get(key) instanceof Long l ? l : fallback;
    }
}
