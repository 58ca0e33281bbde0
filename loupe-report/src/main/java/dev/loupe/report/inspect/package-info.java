/** The HTML report of {@code loupe inspect}: draws the spectral result records, computes no metric. */
package dev.loupe.report.inspect;
