/**
 * Immutable result records of {@code loupe inspect}: what the analysis found, nothing computed here.
 * Renderers (terminal, JSON/CSV, the HTML report) consume these. Metric names follow WeightWatcher
 * 0.7.5.5's CSV columns where one exists ({@link dev.loupe.spectral.result.MetricColumns} spells them
 * out, and the CSV uses exactly those names; JSON uses the record components, camelCase, nested
 * as the records are). NaN means "not computed / undefined" (WeightWatcher writes an empty cell or -1 there).
 */
package dev.loupe.spectral.result;
