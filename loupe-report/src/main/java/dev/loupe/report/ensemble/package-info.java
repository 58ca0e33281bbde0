/** The {@code loupe ensemble} page, plots (SVG + PNG) and their data (CSV), drawn from the ensemble result records. */
package dev.loupe.report.ensemble;
