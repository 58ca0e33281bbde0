/** Per-layer movement between two weight matrices and the spectrum of the update ΔW = W' − W. */
package dev.loupe.diff.delta;
