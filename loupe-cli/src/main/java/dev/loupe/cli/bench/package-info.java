/** Benchmarks of the hot paths ({@code loupe bench ...}); each prints ratios against a baseline measured in the same run. */
package dev.loupe.cli.bench;
