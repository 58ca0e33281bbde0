package dev.loupe.ensemble.result;

/**
 * The competence condition of Theisen et al. (arXiv 2305.12313), as stated here: for every t in [0, 1/2),
 * P(t ≤ W &lt; 1/2) ≥ P(1/2 ≤ W ≤ 1 − t) — the samples most members get right outweigh, at every margin, the ones
 * most get wrong. Competent ensembles satisfy P(W ≥ 1/2) ≤ 2·E[W²].
 *
 * @param competent    the condition holds for every t
 * @param violatedFrom with {@code violatedTo}: the first t where it fails, t in (violatedFrom, violatedTo], or t = 0
 *                     when both are 0; NaN when competent
 * @param violatedTo   see {@code violatedFrom}
 * @param lower        samples with t ≤ W &lt; 1/2 there
 * @param upper        samples with 1/2 ≤ W ≤ 1 − t there
 */
public record Competence(boolean competent, double violatedFrom, double violatedTo, long lower, long upper) {
}
