/**
 * Eigenvector metrics of a layer (WeightWatcher's {@code analyze(vectors=True)}): the localization ratio,
 * participation ratio and discrete entropy of each eigenvector of the smaller-side Gram, averaged over the
 * bulk and the power-law tail of the ESD.
 */
package dev.loupe.spectral.vectors;
