package dev.loupe.diff.match;

import dev.loupe.spectral.layers.WeightMatrix;

/** One layer of the base checkpoint and its counterpart in the other, with the rule that paired them. */
public record LayerPair(WeightMatrix base, WeightMatrix other, MatchRule rule) {
}
