/**
 * Spectral editing after WeightWatcher 0.7.5.5's {@code SVDSmoothing} and {@code SVDSharpness}: replace a layer's
 * matrices by their truncated SVD (keep the top k singular directions) or remove their top k directions, and
 * write the edited checkpoint in the input's format.
 */
package dev.loupe.diff.edit;
