package dev.loupe.landscape.engine;

/** A graph input or output: ONNX element type code and dimensions (negative = symbolic). */
public record ValueType(String name, int elemType, long[] dims) {
    public ValueType {
        dims = dims.clone();
    }
}
