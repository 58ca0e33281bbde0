/**
 * A checkpoint as a set of named, lazily read tensors, whatever its file format: the readers behind
 * {@link dev.loupe.core.checkpoint.Checkpoints#open}, sharded indexes and directories.
 */
package dev.loupe.core.checkpoint;
