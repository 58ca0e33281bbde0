/**
 * Fits to an eigenvalue spectrum: WeightWatcher's power-law fit (WWFit, clip_xmax), the Hill
 * estimator of AlphaPruning, the Marchenko–Pastur bulk, norms/rank/entropy, Jensen–Shannon distance.
 * Pure functions on sorted {@code double[]} eigenvalues; no I/O.
 */
package dev.loupe.spectral.fit;
