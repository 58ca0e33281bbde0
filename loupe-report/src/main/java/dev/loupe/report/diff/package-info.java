/** The HTML report of {@code loupe diff}: movement across depth, ΔW spectra beside W's, the layer table. */
package dev.loupe.report.diff;
