/**
 * Runs the per-layer analysis (ESD, fits, weight statistics) over discovered layers in parallel
 * and assembles the {@link dev.loupe.spectral.result.InspectResult}.
 */
package dev.loupe.spectral.analysis;
