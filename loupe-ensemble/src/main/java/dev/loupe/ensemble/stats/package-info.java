/**
 * The analyses: vote tallies, ensemble statistics and bounds, extrapolation to more members, AUROC of error indicators.
 * Members are equally weighted (ρ uniform over the members given).
 */
package dev.loupe.ensemble.stats;
