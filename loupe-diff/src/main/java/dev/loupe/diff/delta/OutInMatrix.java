package dev.loupe.diff.delta;

import dev.loupe.diff.match.LayerMatcher;
import dev.loupe.spectral.esd.Slices;
import dev.loupe.spectral.layers.WeightMatrix;
import dev.loupe.spectral.result.LayerKind;

import java.util.List;

/**
 * A layer's values in (out, in) order whatever the stored orientation (ONNX MatMul keeps (in, out)), so two
 * checkpoints of the same model in different formats subtract element by element. Conv kernels keep
 * (out, in, kh, kw), which every format shares.
 *
 * @param values row-major values
 * @param out    rows of each analyzed matrix
 * @param in     columns of each analyzed matrix
 * @param layer  the layer it was read from (kind and slicing)
 */
public record OutInMatrix(float[] values, int out, int in, WeightMatrix layer) {
    /** Decodes {@code m} (dequantized if stored quantized) into (out, in) order. */
    public static OutInMatrix of(WeightMatrix m) {
        return of(m, m.toFloats());
    }

    /** Wraps already decoded values of {@code m}, transposing an (in, out) weight. */
    public static OutInMatrix of(WeightMatrix m, float[] stored) {
        int[] oi = LayerMatcher.outIn(m);
        if (!m.orientation().equals("in,out")) {
            return new OutInMatrix(stored, oi[0], oi[1], m);
        }
        int rows = m.rows();
        int cols = m.cols();
        float[] t = new float[stored.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = stored[r * cols + c];
            }
        }
        return new OutInMatrix(t, oi[0], oi[1], m);
    }

    /** The same layer with other values (an update, or a merged weight). */
    public OutInMatrix with(float[] v) {
        return new OutInMatrix(v, out, in, layer);
    }

    /**
     * The matrices inspect analyzes: conv2d kernels as WeightWatcher's kh·kw slices (scaled by √½ as there),
     * every other layer as the one (out, in) matrix.
     */
    public List<float[]> slices() {
        return layer.kind() == LayerKind.CONV2D ? Slices.of(values, layer).slices() : List.of(values);
    }
}
