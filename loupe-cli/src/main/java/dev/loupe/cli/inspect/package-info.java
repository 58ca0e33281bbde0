/** {@code loupe inspect}: per-layer spectral diagnostics, wiring the spectral analysis to terminal, JSON, CSV and HTML. */
package dev.loupe.cli.inspect;
