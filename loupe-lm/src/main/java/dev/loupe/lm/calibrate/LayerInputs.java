package dev.loupe.lm.calibrate;

/**
 * What one linear layer saw over the calibration tokens. Layers that read the same input (q/k/v, gate/up) share one
 * instance.
 *
 * @param in          input width (columns of X)
 * @param rows        calibration tokens seen (rows of X)
 * @param sumSquares  Σ_t x_tj² per input column j
 * @param gram        XᵀX, [in, in] row-major (symmetric), or null when not asked for
 */
public record LayerInputs(int in, long rows, double[] sumSquares, double[] gram) {
    /** Wanda's ‖X_j‖₂ per input column. */
    public double[] norms() {
        double[] n = new double[in];
        for (int j = 0; j < in; j++) {
            n[j] = Math.sqrt(sumSquares[j]);
        }
        return n;
    }

    /** llama.cpp's imatrix entry per input column: Σ_t x_tj² / tokens, the mean squared activation. */
    public float[] meanSquares() {
        float[] w = new float[in];
        for (int j = 0; j < in; j++) {
            w[j] = (float) (sumSquares[j] / rows);
        }
        return w;
    }

    /** XᵀX / rows: the mean second moment (GPTQ's H/2 up to its 2/N scaling). */
    public double[] meanGram() {
        if (gram == null) {
            throw new IllegalStateException("XᵀX was not collected for this layer");
        }
        double[] g = gram.clone();
        for (int i = 0; i < g.length; i++) {
            g[i] /= rows;
        }
        return g;
    }
}
