/** {@code loupe compress}: pruning and quantization, wiring loupe-compress to its outputs and reports. */
package dev.loupe.cli.compress;
