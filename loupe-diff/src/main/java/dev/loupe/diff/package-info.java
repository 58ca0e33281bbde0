/**
 * Checkpoint comparison: which layers a fine-tune (or a LoRA adapter) moved, by how much, and what the update's
 * spectrum looks like. Flow: two checkpoints (or an adapter) → matched layer pairs ({@code match}) → per-layer
 * delta metrics ({@code delta}, {@code lora}) → {@code result} records that the CLI and the report render.
 */
package dev.loupe.diff;
