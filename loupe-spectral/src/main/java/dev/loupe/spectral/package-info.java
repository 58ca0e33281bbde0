/** Placeholder. */
package dev.loupe.spectral;
