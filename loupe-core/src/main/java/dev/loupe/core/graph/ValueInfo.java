package dev.loupe.core.graph;

import dev.loupe.core.tensor.DType;

import java.util.List;

/**
 * A graph input or output as the file declares it (ONNX ValueInfoProto): name, element type and shape, so that a
 * caller can tell what a graph takes without opening an inference session.
 *
 * @param elementType the tensor's element type; null when the value is not a tensor, declares no type, or its type is
 *                    one Loupe cannot hold (strings, complex)
 * @param shape       the declared dimensions; null when the shape (its rank) is not declared
 */
public record ValueInfo(String name, DType elementType, List<Dim> shape) {
    public ValueInfo {
        shape = shape == null ? null : List.copyOf(shape);
    }

    /** A name with nothing declared about it. */
    public static ValueInfo untyped(String name) {
        return new ValueInfo(name, null, null);
    }

    /**
     * One dimension: a fixed size, or symbolic ({@code size} −1) with the name the exporter gave it ("batch_size",
     * "past_sequence_length"; empty when it gave none). ONNX Runtime's TensorInfo shows the same as −1 plus a name.
     */
    public record Dim(long size, String param) {
        public Dim {
            param = param == null ? "" : param;
        }

        public boolean fixed() {
            return size >= 0;
        }
    }

    /** The declared sizes with −1 for symbolic dimensions (ONNX Runtime's convention); null when the rank is unknown. */
    public long[] sizes() {
        return shape == null ? null : shape.stream().mapToLong(Dim::size).toArray();
    }
}
