/**
 * Measured code behind {@code loupe bench linalg}: Gram and eigenvalue kernels timed against a
 * baseline measured in the same run (the CLI only renders the records).
 */
package dev.loupe.linalg.bench;
