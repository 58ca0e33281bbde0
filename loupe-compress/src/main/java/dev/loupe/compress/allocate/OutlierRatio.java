package dev.loupe.compress.allocate;

/**
 * OWL's layerwise outlier ratio (Yin et al., "Outlier Weighed Layerwise Sparsity", ICML 2024, arXiv 2310.05175):
 * with Wanda's scores A_ij = |W_ij|·‖X_j‖, the fraction of entries with A_ij > M·mean(A). Layers with more outliers
 * are pruned less. OWL's defaults: M = 5, sparsities spread over [S − λ, S + λ] with λ = 0.08.
 */
public final class OutlierRatio {
    /** OWL's default outlier threshold multiple. */
    public static final double DEFAULT_M = 5;
    /** OWL's default half-width of the sparsity range. */
    public static final double DEFAULT_LAMBDA = 0.08;

    private OutlierRatio() {
    }

    /** The outlier ratio of row-major [rows, cols] {@code w} with input-channel norms {@code norms}. */
    public static double of(float[] w, int rows, int cols, double[] norms, double m) {
        if ((long) rows * cols != w.length || norms.length != cols) {
            throw new IllegalArgumentException(w.length + " weights and " + norms.length + " norms for " + rows + "x" + cols);
        }
        double sum = 0;
        for (int i = 0; i < w.length; i++) {
            sum += Math.abs(w[i]) * norms[i % cols];
        }
        double threshold = m * sum / w.length;
        long above = 0;
        for (int i = 0; i < w.length; i++) {
            if (Math.abs(w[i]) * norms[i % cols] > threshold) {
                above++;
            }
        }
        return w.length == 0 ? 0 : (double) above / w.length;
    }
}
