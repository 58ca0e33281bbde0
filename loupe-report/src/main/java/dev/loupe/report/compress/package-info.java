/** The HTML report of {@code loupe compress}: draws {@code dev.loupe.compress.result} records, computes no science. */
package dev.loupe.report.compress;
