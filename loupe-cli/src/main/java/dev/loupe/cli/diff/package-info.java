/** {@code loupe diff}: what fine-tuning or a LoRA adapter changed, layer by layer. */
package dev.loupe.cli.diff;
