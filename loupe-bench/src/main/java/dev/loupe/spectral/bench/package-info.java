/** The measured code of {@code loupe bench inspect}; figures are reported against a same-run baseline. */
package dev.loupe.spectral.bench;
