/**
 * Loupe's core: dtypes, lazy tensors over memory-mapped files, the checkpoint readers and writers,
 * datasets, and the one user-facing exception type. Depends on no native library.
 */
package dev.loupe.core;
