/** Element types and lazily decoded tensors over memory-mapped bytes. */
package dev.loupe.core.tensor;
