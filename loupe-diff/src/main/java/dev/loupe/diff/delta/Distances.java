package dev.loupe.diff.delta;

import java.util.List;

/**
 * WeightWatcher 0.7.5.5's {@code distances(model_1, model_2, method)} (weightwatcher.py, matrix_distance): per layer
 * the mean over the layer's analyzed matrices of ‖W₁ − W₂‖_F ('euclidean') or of the uncentered
 * ‖W₁ᵀW₂‖_F / √(‖W₁ᵀW₁‖_F ‖W₂W₂ᵀ‖_F) ('cka'; WeightWatcher adds 1e-6 to a denominator below 1e-6).
 */
public final class Distances {
    private Distances() {
    }

    public static double euclidean(List<float[]> a, List<float[]> b) {
        double sum = 0;
        for (int s = 0; s < a.size(); s++) {
            float[] x = a.get(s);
            float[] y = b.get(s);
            double d = 0;
            for (int i = 0; i < x.length; i++) {
                double e = (double) x[i] - y[i];
                d += e * e;
            }
            sum += Math.sqrt(d);
        }
        return sum / a.size();
    }

    /** Each slice row-major rows × cols. Cost O(rows · cols²) per slice in double precision. */
    public static double cka(List<float[]> a, List<float[]> b, int rows, int cols) {
        double sum = 0;
        for (int s = 0; s < a.size(); s++) {
            double cross = crossNorm(a.get(s), b.get(s), rows, cols);
            double n1 = crossNorm(a.get(s), a.get(s), rows, cols);
            double n2 = crossNorm(b.get(s), b.get(s), rows, cols); // ‖W₂W₂ᵀ‖_F = ‖W₂ᵀW₂‖_F
            double norm = Math.sqrt(n1 * n2);
            sum += cross / (norm < 1e-6 ? norm + 1e-6 : norm);
        }
        return sum / a.size();
    }

    /** ‖XᵀY‖_F, through the (cols × cols) product, row by row so the inner loop runs over contiguous memory. */
    static double crossNorm(float[] x, float[] y, int rows, int cols) {
        double[] c = new double[cols * cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int i = 0; i < cols; i++) {
                double xi = x[o + i];
                if (xi == 0) {
                    continue;
                }
                int ci = i * cols;
                for (int j = 0; j < cols; j++) {
                    c[ci + j] += xi * y[o + j];
                }
            }
        }
        double f = 0;
        for (double v : c) {
            f += v * v;
        }
        return Math.sqrt(f);
    }
}
