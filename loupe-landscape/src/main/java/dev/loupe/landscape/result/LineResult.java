package dev.loupe.landscape.result;

/**
 * Loss along θ(α) = θ₀ + α·d.
 *
 * @param model    the model file
 * @param mode     "checkpoints" (d = θ₁ − θ₀, so α=0 and α=1 are the two checkpoints) or "direction"
 * @param samples  evaluation samples used
 * @param seed     seed of the random direction (or of nothing, for checkpoints)
 */
public record LineResult(String model, String mode, int samples, long seed, double[] alpha, double[] loss,
                         double[] accuracy) {
}
