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
        return relativeErrors(w, rows, cols, bits, bits, group)[0];
    }

    /**
     * The errors at two bit widths over the same groups, in one pass: each group's absmax and the reference
     * ‖W‖² are shared (the same sums, in the same order, as two {@link #relativeError} calls; half the passes
     * over a 7B layer's 45M weights, where these passes were most of the "fits" time).
     */
    static double[] relativeErrors(float[] w, int rows, int cols, int bitsA, int bitsB, int group) {
        double qa = (1 << (bitsA - 1)) - 1;
        double qb = (1 << (bitsB - 1)) - 1;
        double errA = 0;
        double errB = 0;
        double ref = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int g0 = 0; g0 < cols; g0 += group) {
                int g1 = Math.min(cols, g0 + group);
                double absmax = 0;
                for (int j = g0; j < g1; j++) {
                    absmax = Math.max(absmax, Math.abs(w[base + j]));
                }
                double sa = absmax / qa;
                double sb = absmax / qb;
                // times the inverse scale, not divided by the scale: one division per group instead of two per
                // weight (the quotient differs by an ulp at most, which moves a rounding only at an exact tie)
                double ia = absmax == 0 ? 0 : qa / absmax;
                double ib = absmax == 0 ? 0 : qb / absmax;
                for (int j = g0; j < g1; j++) {
                    double v = w[base + j];
                    double a = Math.max(-qa, Math.min(qa, Math.rint(v * ia))) * sa;
                    double b = Math.max(-qb, Math.min(qb, Math.rint(v * ib))) * sb;
                    errA += (v - a) * (v - a);
                    errB += (v - b) * (v - b);
                    ref += v * v;
                }
            }
        }
        return ref == 0 ? new double[] {0, 0} : new double[] {Math.sqrt(errA / ref), Math.sqrt(errB / ref)};
    }
}
