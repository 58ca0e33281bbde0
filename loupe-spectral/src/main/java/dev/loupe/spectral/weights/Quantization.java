package dev.loupe.spectral.weights;

/**
 * Relative Frobenius error ‖W − Q(W)‖/‖W‖ of symmetric absmax round-to-nearest quantization
 * (scale = absmax/(2^(bits−1)−1), q = round(w/scale) clamped), one scale per group of
 * {@code group} consecutive elements of a row (group = cols: per output channel).
 */
final class Quantization {
    private Quantization() {
    }

    static double relativeError(float[] w, int rows, int cols, int bits, int group) {
        double qmax = (1 << (bits - 1)) - 1;
        double err = 0;
        double ref = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int g0 = 0; g0 < cols; g0 += group) {
                int g1 = Math.min(cols, g0 + group);
                double absmax = 0;
                for (int j = g0; j < g1; j++) {
                    absmax = Math.max(absmax, Math.abs(w[base + j]));
                }
                double scale = absmax / qmax;
                for (int j = g0; j < g1; j++) {
                    double v = w[base + j];
                    double q = scale == 0 ? 0 : Math.max(-qmax, Math.min(qmax, Math.rint(v / scale))) * scale;
                    err += (v - q) * (v - q);
                    ref += v * v;
                }
            }
        }
        return ref == 0 ? 0 : Math.sqrt(err / ref);
    }
}
