/** Wires layers, allocation, kernels and writers into one compression run. */
package dev.loupe.compress.engine;
