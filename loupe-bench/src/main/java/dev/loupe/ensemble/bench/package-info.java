/** Benchmarks of the ensemble statistics, run by {@code loupe bench ensemble}. */
package dev.loupe.ensemble.bench;
