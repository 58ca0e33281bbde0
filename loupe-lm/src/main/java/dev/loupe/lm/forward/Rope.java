package dev.loupe.lm.forward;

import dev.loupe.lm.config.LmConfig;
import dev.loupe.lm.config.RopeStyle;

/**
 * Rotary position embedding (Su et al. 2021, RoFormer) for positions 0..T-1, with the tables computed as
 * transformers does in float32: {@code inv_freq = 1 / theta^(2i/d)} (then llama3 scaling or GGUF's per-dimension
 * factors), angle = float(position · inv_freq).
 */
final class Rope {
    private final RopeStyle style;
    private final int half;
    private final float[] invFreq;

    Rope(LmConfig cfg, float[] ggufFreqFactors) {
        style = cfg.ropeStyle();
        half = cfg.headDim() / 2;
        double[] f = new double[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / cfg.headDim();
            f[i] = 1.0 / (float) Math.pow(cfg.ropeTheta(), exponent);
        }
        if (cfg.ropeScaling() != null) {
            cfg.ropeScaling().apply(f);
        }
        invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            invFreq[i] = (float) (ggufFreqFactors == null ? f[i] : f[i] / ggufFreqFactors[i]);
        }
    }

    /** Rotates {@code heads} heads of width 2·half in each of {@code rows} rows of {@code x} (row stride {@code ld}). */
    void apply(float[] x, int rows, int heads, int ld) {
        if (style == RopeStyle.NONE) {
            return;
        }
        Rows.each(rows, (long) heads * half * 4, t -> {
            for (int i = 0; i < half; i++) {
                float angle = t * invFreq[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                for (int h = 0; h < heads; h++) {
                    int base = t * ld + h * 2 * half;
                    int a = style == RopeStyle.HALF ? base + i : base + 2 * i;
                    int b = style == RopeStyle.HALF ? base + i + half : base + 2 * i + 1;
                    float x1 = x[a];
                    float x2 = x[b];
                    x[a] = x1 * c - x2 * s;
                    x[b] = x2 * c + x1 * s;
                }
            }
        });
    }
}
