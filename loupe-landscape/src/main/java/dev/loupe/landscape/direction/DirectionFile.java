package dev.loupe.landscape.direction;

import dev.loupe.core.LoupeException;
import dev.loupe.core.data.NpyReader;
import dev.loupe.core.data.NpyWriter;
import dev.loupe.core.data.NumericArray;
import dev.loupe.landscape.engine.ParameterLayout;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Directions saved for reuse (Li et al. keep theirs in an HDF5 file beside the surface): a float32 .npy of shape
 * [n, P], one row per direction over the model's P weights in {@link ParameterLayout} order, so the same slice can
 * be recomputed on other data or compared across runs.
 */
public final class DirectionFile {
    private DirectionFile() {
    }

    public static void write(Path file, List<float[]> directions) {
        NpyWriter.write(file, directions.toArray(float[][]::new));
    }

    public static List<float[]> read(Path file, ParameterLayout layout, int expected) {
        NumericArray a = NpyReader.read(file);
        long[] s = a.shape();
        if (s.length != 2 || s[0] != expected || s[1] != layout.size()) {
            throw new LoupeException(file, "holds an array of shape " + java.util.Arrays.toString(s) + "; directions for "
                    + "this model are [" + expected + ", " + layout.size() + "] (saved with --save-directions from the same model)");
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            float[] d = new float[layout.size()];
            System.arraycopy(a.values(), i * layout.size(), d, 0, d.length);
            for (float v : d) {
                if (!Float.isFinite(v)) {
                    throw new LoupeException(file, "direction " + i + " holds NaN or infinite values");
                }
            }
            out.add(d);
        }
        return out;
    }
}
