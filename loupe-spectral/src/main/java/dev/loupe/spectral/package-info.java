/**
 * Heavy-tailed spectral (HT-SR) diagnostics of trained weights, WeightWatcher-compatible:
 * {@code layers} finds the matrices, {@code esd} computes their spectra, {@code fit} the metrics,
 * {@code weights} element statistics, {@code analysis} runs it all, {@code result} holds the records.
 */
package dev.loupe.spectral;
