package dev.loupe.landscape.engine;

import java.util.List;

/**
 * Where each weight tensor sits in the flat parameter vector θ that the landscape code moves through.
 *
 * @param names   weight names as in the ONNX graph
 * @param shapes  their shapes
 * @param offsets start of each weight in θ; {@code offsets[i+1] - offsets[i]} is its element count
 * @param filterAxes per weight, the axis whose slices are "filters" for filter normalization
 *                (0 for Conv and Gemm(transB=1) weights, the last axis for MatMul's right operand)
 */
public record ParameterLayout(List<String> names, List<long[]> shapes, int[] offsets, int[] filterAxes) {
    public ParameterLayout {
        names = List.copyOf(names);
        shapes = List.copyOf(shapes);
    }

    public int count() {
        return names.size();
    }

    /** Length of θ. */
    public int size() {
        return offsets[offsets.length - 1];
    }

    public int offset(int i) {
        return offsets[i];
    }

    public int length(int i) {
        return offsets[i + 1] - offsets[i];
    }

    public int rank(int i) {
        return shapes.get(i).length;
    }
}
