package dev.loupe.lm.forward;

/**
 * Element-wise steps of the two block types, each as transformers computes it in float32 (sums accumulated in
 * double, which only makes them more exact). Arrays are row-major [rows, cols].
 */
final class Kernels {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Kernels() {
    }

    /** LlamaRMSNorm: {@code w · x / sqrt(mean(x²) + eps)}; {@code out} may be {@code x}. */
    static void rmsNorm(float[] x, int rows, int cols, float[] w, double eps, float[] out) {
        Rows.each(rows, cols, r -> {
            int o = r * cols;
            double ss = 0;
            for (int j = 0; j < cols; j++) {
                ss += (double) x[o + j] * x[o + j];
            }
            float inv = (float) (1 / Math.sqrt(ss / cols + eps));
            for (int j = 0; j < cols; j++) {
                out[o + j] = w[j] * (x[o + j] * inv);
            }
        });
    }

    /** nn.LayerNorm with the biased variance; {@code out} may be {@code x}. */
    static void layerNorm(float[] x, int rows, int cols, float[] w, float[] b, double eps, float[] out) {
        Rows.each(rows, cols, r -> {
            int o = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += x[o + j];
            }
            double mean = s / cols;
            double v = 0;
            for (int j = 0; j < cols; j++) {
                double dx = x[o + j] - mean;
                v += dx * dx;
            }
            double inv = 1 / Math.sqrt(v / cols + eps);
            for (int j = 0; j < cols; j++) {
                out[o + j] = (float) ((x[o + j] - mean) * inv * w[j] + b[j]);
            }
        });
    }

    /** Adds {@code bias} to every row. */
    static void addBias(float[] y, int rows, int cols, float[] bias) {
        Rows.each(rows, cols, r -> {
            int o = r * cols;
            for (int j = 0; j < cols; j++) {
                y[o + j] += bias[j];
            }
        });
    }

    /** {@code x += y}. */
    static void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    /** SwiGLU: {@code gate = silu(gate) · up}. */
    static void swiglu(float[] gate, float[] up, int n) {
        Rows.each((n + 4095) / 4096, 4096, c -> {
            int end = Math.min(n, (c + 1) * 4096);
            for (int i = c * 4096; i < end; i++) {
                float g = gate[i];
                gate[i] = (float) (g / (1 + Math.exp(-g))) * up[i];
            }
        });
    }

    /** GPT-2's gelu_new: {@code 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³)))}. */
    static void geluTanh(float[] x, int n) {
        Rows.each((n + 4095) / 4096, 4096, c -> {
            int end = Math.min(n, (c + 1) * 4096);
            for (int i = c * 4096; i < end; i++) {
                double v = x[i];
                x[i] = (float) (0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
            }
        });
    }
}
