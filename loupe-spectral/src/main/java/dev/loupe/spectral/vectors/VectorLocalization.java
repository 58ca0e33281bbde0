package dev.loupe.spectral.vectors;

import dev.loupe.linalg.DenseBackend;
import dev.loupe.linalg.EigenSystem;
import dev.loupe.spectral.result.VectorMetrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A layer's eigenvector metrics as WeightWatcher 0.7.5.5 computes them (weightwatcher.py
 * apply_analyze_eigenvectors): for each matrix of the layer (each kh·kw slice of a conv, already scaled as for
 * the ESD) the smaller-side Gram X = WᵀW or WWᵀ in double precision, all its eigenvectors, and per vector the
 * {@link EigenvectorMetrics}; then, pooled over the slices, the mean and variance over the tail (the vectors of
 * the {@code num_pl_spikes} largest eigenvalues, those ≥ xmin in the fitted ESD) and over the bulk (the rest).
 * WeightWatcher takes the eigenvectors from scipy's general {@code eig}; here LAPACK's symmetric divide and
 * conquer ({@code dsyevd}) gives the same vectors up to sign, which no metric depends on.
 * <p>
 * One deliberate difference: WeightWatcher splits by comparing eig's eigenvalues with xmin, and eig's copy of
 * the xmin eigenvalue itself comes out a rounding error above or below the SVD's value that xmin is, so that
 * one vector lands in the tail or the bulk by chance (in the bulk for the reference CNN's fc1 and conv2, in the
 * tail for fc2 and fc3). Splitting by rank keeps the tail the fit's {@code num_pl_spikes} eigenvalues.
 */
public final class VectorLocalization {
    private VectorLocalization() {
    }

    /**
     * @param slices     row-major {@code rows × cols} matrices of one layer
     * @param rowsStored whether the rows are the layer's outputs ("out,in", PyTorch's layout) rather than its inputs
     * @param tailCount  how many of the largest eigenvalues (pooled over the slices) form the tail
     */
    public static VectorMetrics of(DenseBackend backend, List<float[]> slices, int rows, int cols, boolean rowsStored,
                                   int tailCount) {
        int k = Math.min(rows, cols);
        // A square matrix has two Grams with the same eigenvalues but different eigenvectors; WeightWatcher takes
        // W·Wᵀ of the (out, in) weight (weightwatcher.py: "if W.shape[0] <= W.shape[1]: X = W W^T"), the output side
        boolean transpose = rows == cols && rowsStored;
        List<double[]> all = new ArrayList<>(); // {eigenvalue, entropy, localization, participation}
        for (float[] s : slices) {
            double[] w = new double[s.length];
            for (int i = 0; i < s.length; i++) {
                w[i] = transpose ? s[(i % rows) * cols + i / rows] : s[i]; // w = sᵀ (cols × rows) when transposing
            }
            EigenSystem e = backend.symmetricEigenSystem(backend.smallerGram(w, rows, cols), k);
            for (int j = 0; j < k; j++) {
                double[] v = e.vector(j);
                all.add(new double[]{e.values()[j], EigenvectorMetrics.discreteEntropy(v),
                        EigenvectorMetrics.localizationRatio(v), EigenvectorMetrics.participationRatio(v)});
            }
        }
        all.sort(java.util.Comparator.comparingDouble(r -> r[0]));
        int split = Math.max(0, all.size() - Math.min(tailCount, all.size()));
        List<double[]> bulk = all.subList(0, split);
        List<double[]> tail = all.subList(split, all.size());
        return new VectorMetrics(spread(bulk, tail, 1), spread(bulk, tail, 2), spread(bulk, tail, 3), bulk.size(),
                tail.size());
    }

    private static VectorMetrics.BulkTail spread(List<double[]> bulk, List<double[]> tail, int c) {
        double[] b = meanVar(bulk, c);
        double[] t = meanVar(tail, c);
        return new VectorMetrics.BulkTail(b[0], b[1], t[0], t[1]);
    }

    /** numpy's mean and var (ddof 0): var = mean(|x − mean|²). */
    private static double[] meanVar(List<double[]> rows, int c) {
        if (rows.isEmpty()) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double sum = 0;
        for (double[] r : rows) {
            sum += r[c];
        }
        double mean = sum / rows.size();
        double ss = 0;
        for (double[] r : rows) {
            ss += (r[c] - mean) * (r[c] - mean);
        }
        return new double[]{mean, ss / rows.size()};
    }
}
