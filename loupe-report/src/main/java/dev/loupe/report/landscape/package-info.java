/**
 * Pages and plots of {@code loupe landscape line|plane|sample} and {@code loupe hessian}, drawn from the
 * result records of {@code dev.loupe.landscape.result}: slices, topology (profile, persistence, merge
 * tree) and Hessian spectra. Every number shown comes from a record; only layout is computed here.
 */
package dev.loupe.report.landscape;
