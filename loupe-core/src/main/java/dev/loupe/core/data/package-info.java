/**
 * Datasets for evaluation: IDX (optionally gzip-compressed), NPY and numeric CSV files read into a
 * {@link dev.loupe.core.data.Dataset} (float features with a shape, int labels).
 *
 * <p>Same discipline as the weight readers: every count and length from a file is checked against the
 * file (or a hard element cap) before anything is allocated, and every problem is one
 * {@link dev.loupe.core.LoupeException} naming the file.
 */
package dev.loupe.core.data;
