package dev.loupe.landscape.result;

/** Loss at points of an n-dimensional subspace θ₀ + Σ cₖ·dₖ; {@code coords[i]} is point i's (c₁..cₙ). */
public record SampleResult(String model, String directions, String sampling, int samples, long seed,
                           double[][] coords, double[] loss) {
}
