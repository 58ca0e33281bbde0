package dev.loupe.spectral.layers;

import dev.loupe.core.tensor.Tensor;
import dev.loupe.spectral.result.LayerKind;

import java.util.List;

/**
 * A discovered weight: the tensor and how it is read as {@code rf} matrices of
 * {@code rows × cols} (rows = output side). Analysis decodes it only when it gets to it.
 *
 * @param name        layer key (tensor name without {@code .weight})
 * @param tensor      the stored tensor
 * @param kind        role
 * @param layerType   WeightWatcher's layer_type string
 * @param rows        rows of each slice as read (output channels for PyTorch layouts)
 * @param cols        columns of each slice
 * @param rf          number of slices
 * @param orientation "out,in" or "in,out"
 * @param consumer    ONNX operator that reads it, or ""
 * @param notes       what a reader of the results must know (WeightWatcher would skip it, ...)
 * @param dequant     how integer weights become real ones (quantized ONNX), or null
 * @param part        the block of a fused tensor this matrix is ({@code --split-fused}), or null
 */
public record WeightMatrix(String name, Tensor tensor, LayerKind kind, String layerType, int rows, int cols, int rf,
                           String orientation, String consumer, List<String> notes, Dequantization dequant,
                           Part part) {
    public WeightMatrix {
        notes = List.copyOf(notes);
    }

    public WeightMatrix(String name, Tensor tensor, LayerKind kind, String layerType, int rows, int cols, int rf,
                        String orientation, String consumer, List<String> notes) {
        this(name, tensor, kind, layerType, rows, cols, rf, orientation, consumer, notes, null, null);
    }

    /** The weights as the model uses them: decoded (and dequantized) to float, row-major. */
    public float[] toFloats() {
        float[] v = dequant == null ? tensor.toFloats() : dequant.decode(tensor);
        return part == null ? v : part.extract(v, tensor.shape());
    }

    /**
     * The stored shape, or the (rows, cols) analyzed when that differs: a part of a fused tensor, or packed
     * block-quantized codes (stored [N, blocks, blob], analyzed [N, K]).
     */
    public long[] shapeAnalyzed() {
        return part == null && !(dequant instanceof BlockDequantization) ? tensor.shape() : new long[]{rows, cols};
    }

    public int N() {
        return Math.max(rows, cols);
    }

    public int M() {
        return Math.min(rows, cols);
    }

    public int numEvals() {
        return M() * rf;
    }
}
