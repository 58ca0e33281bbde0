package dev.loupe.ensemble.result;

/**
 * An upper bound on the majority-vote error, next to the real error.
 *
 * @param name      short name shown in tables
 * @param formula   the formula evaluated, in the quantities of {@link EnsembleStats}
 * @param value     its value on this ensemble
 * @param condition when it is a guaranteed bound: "always", "if 4/3-polarized", "if competent" …
 * @param applies   the condition is met by this ensemble's measured quantities (so the bound must hold)
 * @param holds     value ≥ the measured majority-vote error on this ensemble
 * @param source    where the inequality comes from (a classic result, a cited paper, or derived here)
 */
public record Bound(String name, String formula, double value, String condition, boolean applies, boolean holds, String source) {
}
