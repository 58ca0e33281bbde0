package dev.loupe.compress.allocate;

/**
 * One layer's share of a budget.
 *
 * @param name   weight name
 * @param params parameters in the layer (the weight of the layer in parameter-weighted means)
 * @param metric the metric the allocation was driven by (NaN when none, e.g. uniform)
 * @param value  the layer's sparsity in [0, 1) or its bits
 */
public record LayerShare(String name, long params, double metric, double value) {
}
