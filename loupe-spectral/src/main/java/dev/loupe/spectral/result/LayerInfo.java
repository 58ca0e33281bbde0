package dev.loupe.spectral.result;

import java.util.List;

/**
 * Which matrix was analyzed and how it was read.
 *
 * @param index       position in the model (0-based, discovery order)
 * @param name        layer key: the tensor name without a trailing {@code .weight} (WeightWatcher's {@code key})
 * @param tensor      the tensor name in the checkpoint
 * @param dtype       stored dtype (e.g. BF16)
 * @param shape       stored shape (a part's own shape for a block of a fused tensor, {@code --split-fused})
 * @param kind        role of the matrix
 * @param layerType   WeightWatcher's {@code layer_type} string (dense, conv2d, conv1d, embedding)
 * @param N           larger side of the (slice) matrix
 * @param M           smaller side of the (slice) matrix
 * @param rf          receptive field: number of slices pooled (kh·kw for conv2d, else 1)
 * @param Q           N / M
 * @param numEvals    number of eigenvalues in the ESD (M·rf)
 * @param orientation how the stored matrix maps to y = W x: "out,in" (PyTorch Linear, Gemm transB=1)
 *                    or "in,out" (ONNX MatMul, Gemm transB=0); the ESD does not depend on it
 * @param consumer    graph operator that reads the tensor (ONNX), or empty
 * @param notes       why WeightWatcher would skip this layer, approximations made, etc. Never silent.
 */
public record LayerInfo(int index, String name, String tensor, String dtype, long[] shape, LayerKind kind,
                        String layerType, int N, int M, int rf, double Q, int numEvals, String orientation,
                        String consumer, List<String> notes) {
    public LayerInfo {
        shape = shape.clone();
        notes = List.copyOf(notes);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
