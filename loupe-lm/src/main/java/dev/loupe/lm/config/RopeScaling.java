package dev.loupe.lm.config;

/**
 * Llama 3.1's frequency-dependent rope scaling ({@code rope_scaling.rope_type = "llama3"}): wavelengths longer than
 * {@code originalMaxPositions / lowFreqFactor} are divided by {@code factor}, shorter than
 * {@code originalMaxPositions / highFreqFactor} kept, and the band between interpolated (transformers
 * {@code _compute_llama3_parameters}).
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, double originalMaxPositions) {
    /** Inverse frequencies after scaling; {@code invFreq} is modified. */
    public void apply(double[] invFreq) {
        double lowWavelen = originalMaxPositions / lowFreqFactor;
        double highWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < invFreq.length; i++) {
            double wavelen = 2 * Math.PI / invFreq[i];
            if (wavelen > lowWavelen) {
                invFreq[i] = invFreq[i] / factor;
            } else if (wavelen >= highWavelen) {
                double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                invFreq[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
            }
        }
    }
}
