package dev.loupe.compress.allocate;

import java.util.List;

/**
 * Per-layer budgets and the target they meet.
 *
 * @param method how the budget was split
 * @param target the requested parameter-weighted mean (sparsity or bits)
 * @param layers one share per layer, in the order given
 */
public record Allocation(AllocationMethod method, double target, List<LayerShare> layers) {
    public Allocation {
        layers = List.copyOf(layers);
    }

    /** The parameter-weighted mean of the layers' values: Σ Pᵢ·vᵢ / Σ Pᵢ. */
    public double weightedMean() {
        double num = 0;
        double den = 0;
        for (LayerShare l : layers) {
            num += (double) l.params() * l.value();
            den += l.params();
        }
        return den == 0 ? 0 : num / den;
    }

    /** The value for layer {@code name}. */
    public double valueOf(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer " + name)).value();
    }
}
