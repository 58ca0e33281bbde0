package dev.loupe.ensemble.result;

/**
 * An upper bound (or estimate) of the majority-vote error, next to the real error.
 *
 * @param name     short name shown in tables
 * @param formula  the formula evaluated, in the quantities of {@link EnsembleStats}
 * @param value    its value on this ensemble
 * @param validity when it is a guaranteed bound: "always", "binary (K=2) only", "if eta ≤ 4/3 (conjecture)" …
 * @param holds    value ≥ the measured majority-vote error on this ensemble
 */
public record Bound(String name, String formula, double value, String validity, boolean holds) {
}
