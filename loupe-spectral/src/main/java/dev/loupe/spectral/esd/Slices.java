package dev.loupe.spectral.esd;

import dev.loupe.spectral.result.LayerKind;
import dev.loupe.spectral.layers.WeightMatrix;

import java.util.ArrayList;
import java.util.List;

/**
 * The matrices a weight is analyzed as, decoded to float (what WeightWatcher analyzes too: torch
 * tensors are cast to float32). Each slice is row-major {@code rows × cols}.
 */
public record Slices(float[] raw, List<float[]> slices, int rows, int cols) {
    /** WeightWatcher's conv2d_norm factor √(conv2d_count/2) with the default count 1. */
    public static final float CONV2D_NORM = (float) Math.sqrt(0.5);

    /** Decodes the tensor and cuts it into slices. */
    public static Slices of(WeightMatrix m) {
        float[] raw = m.toFloats();
        return of(raw, m);
    }

    /** Cuts already decoded values of {@code m} into slices. */
    public static Slices of(float[] raw, WeightMatrix m) {
        if (m.kind() != LayerKind.CONV2D) {
            return new Slices(raw, List.of(raw), m.rows(), m.cols());
        }
        int cout = m.rows();
        int cin = m.cols();
        int rf = m.rf();
        List<float[]> out = new ArrayList<>(rf);
        for (int s = 0; s < rf; s++) {
            float[] sl = new float[cout * cin];
            for (int o = 0; o < cout; o++) {
                for (int c = 0; c < cin; c++) {
                    // W[:,:,i,j] * sqrt(1/2): numpy 1.x multiplies a float32 array by a Python float in float32
                    sl[o * cin + c] = raw[(o * cin + c) * rf + s] * CONV2D_NORM;
                }
            }
            out.add(sl);
        }
        return new Slices(raw, out, cout, cin);
    }
}
