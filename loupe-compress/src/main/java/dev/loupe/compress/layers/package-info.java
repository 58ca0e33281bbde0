/** Finds the weight matrices of a checkpoint that compression applies to, and their [out, in] orientation. */
package dev.loupe.compress.layers;
